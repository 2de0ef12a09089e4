"""What a convocation, an agreement and an individual contract say: read from the
enrolment, its session, course and client, and the organisation's settings."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clients.selectors import contact_for_requests
from training.selectors import enrolment_with_documents
from training.signing_codes import enrolment_signing_code, enrolment_signing_token

# What the recipients log says left with an agreement.
AGREEMENT_CATEGORIES = ["identity", "training"]
HALF_DAY_NAMES = [_("Morning"), _("Afternoon")]


@dataclass(frozen=True)
class HalfDay:
    date: datetime.date
    name: str  # lazy: read in the recipient's language when rendered
    start: str
    end: str


def session_half_days(*, session) -> list[HalfDay]:
    """Every half-day of the session, with its times (settings.TRAINING_HALF_DAYS)."""
    times = [span.split("-") for span in settings.TRAINING_HALF_DAYS]
    days = (session.end_date - session.start_date).days + 1
    return [
        HalfDay(
            date=session.start_date + datetime.timedelta(days=offset),
            name=HALF_DAY_NAMES[index % 2],
            start=start,
            end=end,
        )
        for offset in range(days)
        for index, (start, end) in enumerate(times)
    ]


def enrolment_for_documents(*, enrolment_id: int):
    """The enrolment with everything its documents read."""
    return enrolment_with_documents(enrolment_id=enrolment_id)


def convocation_context(*, enrolment) -> dict:
    """What the convocation says: timetable, place or link, programme, trainer, rules,
    and the trainee's own signing link and code."""
    session = enrolment.session
    token = enrolment_signing_token(enrolment_id=enrolment.pk)
    online = session.format == session.Format.ONLINE
    return {
        "enrolment": enrolment,
        "trainee": enrolment.trainee,
        "session": session,
        "course": session.course,
        "half_days": session_half_days(session=session),
        # An online session's location is where trainees connect.
        "access_link": session.location if online else "",
        "place": "" if online else session.location,
        # The personal link of attendance/ (named, not imported: a sibling app).
        "signing_url": settings.SITE_URL + reverse("attendance:sign_me", args=[token]),
        "signing_code": enrolment_signing_code(enrolment_id=enrolment.pk),
        "organisation": settings.ORGANISATION,
    }


def agreement_kind(*, enrolment) -> str | None:
    """ "agreement" (employer pays), "contract" (the trainee pays), or None (CPF: its
    platform's general conditions apply; other funding: the funder's own documents)."""
    funding = enrolment.Funding
    return {funding.EMPLOYER: "agreement", funding.SELF: "contract"}.get(enrolment.funding)


def agreement_recipient(*, enrolment):
    """Who receives the agreement or contract: (email, name, language), or None when
    the client has no contact to send it to."""
    if agreement_kind(enrolment=enrolment) == "contract":
        trainee = enrolment.trainee
        return trainee.email, f"{trainee.first_name} {trainee.surname}", trainee.language
    if enrolment.client_id is None:
        return None
    contact = contact_for_requests(organisation_id=enrolment.client_id)
    if contact is None:
        return None
    return contact.email, str(contact), contact.language


def agreement_context(*, enrolment, today: datetime.date) -> dict:
    """What the agreement or contract says: the parties, the training, its price."""
    session, course = enrolment.session, enrolment.session.course
    return {
        "enrolment": enrolment,
        "trainee": enrolment.trainee,
        "client": enrolment.client,
        "session": session,
        "course": course,
        "half_days": session_half_days(session=session),
        "organisation": settings.ORGANISATION,
        "today": today,
        # L.6353-6: at most 30% of the price once the withdrawal period is over.
        "first_instalment": (course.price * 3 / 10).quantize(course.price),
        "withdrawal_days": 10,
    }
