from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form refused for CSRF: say so in the visitor's language; nothing was stored."""
    return render(request, "403_csrf.html", status=403)
