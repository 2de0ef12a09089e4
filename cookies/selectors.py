"""Reads for the cookie banner and gated scripts."""

from django.templatetags.static import static
from django.urls import reverse

from cookies import registry


def gated_script_tags(*, categories) -> list[dict]:
    """The scripts of the given categories, as tag attributes: src and data-*."""
    audience_cookie = next(c for c in registry.COOKIES if c.name == "audience_id")
    data = {
        registry.AUDIENCE: {
            "max-age": str(audience_cookie.max_age_days * 24 * 3600),
            "endpoint": reverse("cookies:audience"),
        }
    }
    return [
        {"src": static(script.static_path), "data": data.get(script.category, {})}
        for script in registry.SCRIPTS
        if script.category in categories
    ]
