"""Reads for the cookie banner and gated scripts."""

from django.templatetags.static import static
from django.urls import reverse

from cookies import registry


def gated_script_tags(*, categories, seconds_left: int | None = None) -> list[dict]:
    """The scripts of the given categories, as tag attributes: src and data-* (the
    lifetime of the cookie a script sets, from the registry, and where it reports). The
    cookie's lifetime stops where the visitor's choice does (``seconds_left``)."""
    tags = []
    for script in registry.SCRIPTS:
        if script.category not in categories:
            continue
        data = {"endpoint": reverse(f"cookies:{script.category}")}
        if script.sets_cookie:
            seconds = registry.cookie(script.sets_cookie).max_age_days * 24 * 3600
            if seconds_left is not None:
                seconds = min(seconds, seconds_left)
            data["max-age"] = str(seconds)
        tags.append({"src": static(script.static_path), "data": data})
    return tags


def cookies_to_expire(*, accepted, present) -> list[str]:
    """The cookies the browser holds for categories the visitor does not (or no longer)
    accept: withdrawing a category expires what the site set for it."""
    refused = {c.key for c in registry.CATEGORIES if not c.required} - set(accepted)
    return [name for name in registry.cookie_names(refused) if name in present]
