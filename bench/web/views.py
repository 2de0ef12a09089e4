"""Baselines: what the same server does with nothing (hello) and with one INSERT behind
the same POST, CSRF check and redirect as a registration."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods


def hello(request):
    return HttpResponse("hello")


@require_http_methods(["POST"])
def insert(request):
    email = request.POST.get("email", "")
    if not email:
        return HttpResponse("email missing", status=400)
    with connection.cursor() as cursor:
        # bench_web_insert: created by bench/web/fixtures.py, outside Django's migrations.
        cursor.execute("INSERT INTO bench_web_insert (email) VALUES (%s)", [email])
    return redirect("/bench/hello/")
