from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from training.selectors import session_list_upcoming


def session_list(request):
    """The public catalogue: upcoming sessions with the seats they have left."""
    sessions = session_list_upcoming(today=timezone.localdate())
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {"page": page})
