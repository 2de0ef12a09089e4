from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from training.selectors import session_list_upcoming, session_list_with_seats


def session_list(request):
    """The public catalogue: upcoming sessions with the seats they have left."""
    sessions = session_list_upcoming(today=timezone.localdate())
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {"page": page})


def session_detail(request, pk: int):
    """One session; registration is open until the day it starts."""
    session = get_object_or_404(session_list_with_seats(), pk=pk)
    is_open = session.start_date > timezone.localdate()
    return render(request, "training/session_detail.html", {"session": session, "is_open": is_open})
