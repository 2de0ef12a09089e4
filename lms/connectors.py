"""How accounts are opened and closed on the online learning platform.

A connector has two calls, ``grant(user) -> login`` and ``revoke(user)``; both raise
LmsError when the platform refuses or does not answer (the services record it and try
again). MOODLE_URL and MOODLE_TOKEN choose Moodle's web services; left empty, the null
connector changes nothing anywhere: staff open the account by hand and the product keeps
the records.
"""

import dataclasses
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.conf import settings

# ``transport(url, form) -> decoded JSON``: replaced by recorded exchanges in tests.
Transport = Callable[[str, dict[str, str]], object]


class LmsError(Exception):
    """The platform refused the call or could not be reached."""


@dataclasses.dataclass(frozen=True)
class LmsUser:
    """What the platform is told about a trainee, and the course to open to them."""

    email: str
    first_name: str
    surname: str
    course_code: str
    login: str = ""


class Connector:
    name = ""

    def grant(self, user: LmsUser) -> str:
        """Open (or reuse) the account and enrol it on the course; returns the login."""
        raise NotImplementedError

    def revoke(self, user: LmsUser) -> None:
        """Take the account off the course (the account itself stays the person's)."""
        raise NotImplementedError


class NullConnector(Connector):
    """No platform is connected: records only (staff act on the platform by hand)."""

    def __init__(self, name: str = ""):
        self.name = name or settings.LMS_PLATFORM_NAME

    def grant(self, user: LmsUser) -> str:
        return user.login or user.email

    def revoke(self, user: LmsUser) -> None:
        return None


def _flatten(value, prefix: str, into: dict[str, str]) -> dict[str, str]:
    """Moodle's REST protocol takes PHP-style keys: users[0][email]=..."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}[{key}]" if prefix else key, into)
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            _flatten(inner, f"{prefix}[{index}]", into)
    else:
        into[prefix] = str(value)
    return into


def urllib_transport(url: str, form: dict[str, str]) -> object:
    """POST the form and decode the JSON answer (10 seconds at most)."""
    body = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(url, data=body, timeout=10) as response:  # noqa: S310
            return json.loads(response.read().decode())
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise LmsError(f"{type(error).__name__}: {error}") from error


class MoodleConnector(Connector):
    """Moodle's web services (REST, JSON): a token of a service user allowed the five
    functions below; courses are found by their short name, which is our course code."""

    def __init__(self, *, url: str, token: str, transport: Transport = urllib_transport):
        self.url, self.token, self.transport = url.rstrip("/"), token, transport
        self.name = f"Moodle ({urllib.parse.urlsplit(self.url).netloc})"

    def call(self, function: str, **params) -> object:
        form = {"wstoken": self.token, "wsfunction": function, "moodlewsrestformat": "json"}
        answer = self.transport(
            f"{self.url}/webservice/rest/server.php", _flatten(params, "", form)
        )
        if isinstance(answer, dict) and "exception" in answer:
            raise LmsError(f"{function}: {answer.get('errorcode')}: {answer.get('message')}")
        return answer

    def _user(self, email: str) -> dict | None:
        found = self.call("core_user_get_users_by_field", field="email", values=[email])
        return found[0] if found else None

    def _course_id(self, code: str) -> int:
        found = self.call("core_course_get_courses_by_field", field="shortname", value=code)
        if not found.get("courses"):
            raise LmsError(f"no course with the short name {code!r} on the platform")
        return found["courses"][0]["id"]

    def grant(self, user: LmsUser) -> str:
        account = self._user(user.email)
        if account is None:
            new = {"username": user.email.lower(), "email": user.email, "auth": "manual"}
            new |= {"firstname": user.first_name, "lastname": user.surname, "createpassword": 1}
            [account] = self.call("core_user_create_users", users=[new])
        enrolment = {"roleid": settings.MOODLE_STUDENT_ROLE_ID, "userid": account["id"]}
        enrolment["courseid"] = self._course_id(user.course_code)
        self.call("enrol_manual_enrol_users", enrolments=[enrolment])
        return account["username"]

    def revoke(self, user: LmsUser) -> None:
        account = self._user(user.email)
        if account is None:
            return  # nothing to close: the platform never had, or deleted, the account
        enrolment = {"userid": account["id"], "courseid": self._course_id(user.course_code)}
        self.call("enrol_manual_unenrol_users", enrolments=[enrolment])


def connector() -> Connector:
    """The connector the settings choose."""
    if settings.MOODLE_URL and settings.MOODLE_TOKEN:
        return MoodleConnector(
            url=settings.MOODLE_URL, token=settings.MOODLE_TOKEN, transport=urllib_transport
        )
    return NullConnector()
