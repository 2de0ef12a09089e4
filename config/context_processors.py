from django.conf import settings


def organisation(request):
    """The organisation's identity (settings.ORGANISATION) for every template."""
    return {"organisation": settings.ORGANISATION}
