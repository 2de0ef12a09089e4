"""Visitors for the fault tests: plain HTTP against a running gunicorn, one connection
per request, from several threads, every answer recorded (when, what, in which
language, its status, and its page when it is not the one expected)."""

import dataclasses
import http.client
import itertools
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

# The public pages and forms a visitor uses, each with the answer that means success.
PAGES = {"catalogue": "/", "privacy": "/privacy/"}
FRENCH_503 = "Service momentanément indisponible"
ENGLISH_503 = "Service temporarily unavailable"


@dataclasses.dataclass
class Answer:
    started: float  # time.monotonic() when the request was sent
    what: str
    language: str
    status: int
    ok: bool  # the answer that means success (a page, a redirect after a registration)
    retry_after: str | None = None
    body: str = ""  # kept only when not ok
    email: str = ""  # the address a form sent
    seconds: float = 0.0  # how long the answer took

    @property
    def is_clean_503(self) -> bool:
        """The outage page, in the language asked for, telling when to come back."""
        expected, other = (
            (FRENCH_503, ENGLISH_503) if self.language == "fr" else (ENGLISH_503, FRENCH_503)
        )
        return (
            self.status == 503
            and bool(self.retry_after)
            and expected in self.body
            and other not in self.body
        )


def _request(base: str, method: str, path: str, *, language: str, form: dict | None = None):
    """(status, headers, body) of one request; the CSRF token is the visitor's own."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Accept-Language": language, "Host": parts.hostname}
    body = None
    if form is not None:
        # A browser's CSRF cookie and the same value in the form: Django compares them.
        token = secrets.token_hex(16)
        headers["Cookie"] = f"csrftoken={token}"
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode({**form, "csrfmiddlewaretoken": token})
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode(errors="replace"),
        )
    finally:
        conn.close()


def get(base: str, path: str, *, language: str = "fr"):
    return _request(base, "GET", path, language=language)


def registration_form(email: str) -> dict:
    return {
        "surname": "Martin",
        "first_name": "Lou",
        "email": email,
        "phone": "+33 6 12 34 56 78",
        "postal_address": "3 rue des Lilas, 69003 Lyon",
        "registering_as": "individual",
        "employer_name": "",
        "occupation": "Technicienne",
        "diplomas_and_skills": "",
        "food_allergies": "",
        "disability_adaptations": "",
    }


class Visitors:
    """Threads that browse, register and exercise rights until stopped."""

    def __init__(self, base: str, *, session_id: int, prefix: str, threads: int = 6):
        self.base, self.session_id, self.prefix, self.threads = base, session_id, prefix, threads
        self.answers: list[Answer] = []
        self._lock, self._stop, self._workers = threading.Lock(), threading.Event(), []

    def _record(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def visit(self, what: str, language: str, email: str = "") -> Answer:
        """One visitor's action, recorded."""
        started = time.monotonic()
        register = f"/sessions/{self.session_id}/register/"
        if what == "register":
            status, headers, body = _request(
                self.base, "POST", register, language=language, form=registration_form(email)
            )
            ok = status == 302 and headers.get("Location", "").endswith("/register/done/")
        elif what == "rights":
            form = {"kind": "access", "email": email, "details": ""}
            status, headers, body = _request(
                self.base, "POST", "/privacy/requests/new/", language=language, form=form
            )
            ok = status == 200 and 'role="status"' in body
        else:
            path = {"session": f"/sessions/{self.session_id}/", "form": register}.get(what)
            status, headers, body = get(self.base, path or PAGES[what], language=language)
            ok = status == 200
        answer = Answer(
            started, what, language, status, ok, headers.get("Retry-After"),
            "" if ok else body[:5000], email, time.monotonic() - started,
        )  # fmt: skip
        self._record(answer)
        return answer

    def _loop(self, number: int) -> None:
        actions = itertools.cycle(["catalogue", "session", "register", "privacy", "rights"])
        for count in itertools.count():
            if self._stop.is_set():
                return
            language = ("fr", "en")[count % 2]
            email = f"{self.prefix}-{number}-{count}@example.org"
            try:
                self.visit(next(actions), language, email)
            except OSError as error:  # a refused or cut connection: gunicorn itself failed
                self._record(Answer(time.monotonic(), "connection", language, 0, False, None, repr(error)))  # fmt: skip

    def start(self) -> None:
        for number in range(self.threads):
            worker = threading.Thread(target=self._loop, args=(number,), daemon=True)
            worker.start()
            self._workers.append(worker)

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=90)
