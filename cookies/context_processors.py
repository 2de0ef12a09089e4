from django.urls import reverse

from cookies import registry


def cookie_consent(request):
    """The banner (when no current choice), the panel's registry, and what is allowed."""
    choice = getattr(request, "cookie_choice", None)
    current = choice is not None and choice.is_current
    return {
        # Not on the preferences page itself: it is the full form (the page without
        # JavaScript), the banner above it would only repeat it.
        "cookie_banner": not current
        and not request.path.startswith("/admin/")
        and request.path != reverse("cookies:preferences"),
        "cookie_allowed": set(choice.categories) if current else set(),
        # What the cached panel fragment (panel_form.html) varies on.
        "cookie_allowed_key": ",".join(sorted(choice.categories)) if current else "",
        "cookie_registry_version": registry.version(),
        "cookie_registry": registry.cookies_by_category(),
        "cookie_asked": [c for c in registry.CATEGORIES if c.key in registry.OPTIONAL],
        "cookie_preferences_url": reverse("cookies:preferences"),
    }
