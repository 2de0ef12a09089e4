"""Staff changing a person's address: whoever controls the new address now receives the
person's rights answers, so the change is audited and the previous address told."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from core.addresses import email_normalise
from core.audit import EMAIL_CHANGED_BY_STAFF, audit_record
from core.outbox import email_enqueue


def address_change_by_staff_record(
    *, person, previous_email: str, language: str, actor, now: datetime.datetime
) -> bool:
    """Staff changed a person's address: audited (who, when, which record; never the
    addresses) and the previous address told, since whoever controls the new one now
    receives the person's rights answers. Returns whether the address changed."""
    if not previous_email or email_normalise(previous_email) == email_normalise(person.email):
        return False
    audit_record(actor=actor, action=EMAIL_CHANGED_BY_STAFF, obj=person)
    email_enqueue(
        message=address_changed_message(
            previous_email=previous_email, language=language, changed_at=now
        ),
        kind="staff.email_changed",
    )
    return True


def address_changed_message(
    *, previous_email: str, language: str, changed_at
) -> EmailMultiAlternatives:
    """To the address we held before staff changed it: if it was not the person's wish,
    their data may now reach someone else, so they hear of it and whom to contact. The
    new address is not in it: the previous owner may not be the person."""
    with translation.override(language):
        context = {"changed_at": changed_at, "organisation": settings.ORGANISATION}
        subject = render_to_string("emails/address_changed_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/address_changed.txt", context),
            to=[previous_email],
        )
        message.attach_alternative(
            render_to_string("emails/address_changed.html", context), "text/html"
        )
    return message
