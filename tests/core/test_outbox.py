"""The outbox itself: an email is stored with the change that caused it, leaves after
commit, is retried with a growing delay, is sent once even when two workers race for
it, and is deleted some days after it left."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutboxEmail
from core.outbox import email_enqueue, outbox_deliver, outbox_message, outbox_sweep
from core.purge import rule_apply
from core.schedule import BY_NAME
from tests.outages import broker_down, mail_server_down

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxEmail.Status


def _offer(to="dora@example.org") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Nos formations",
        body="Découvrez nos sessions.",
        from_email="formation@example.org",
        to=[to],
        reply_to=["contact@example.org"],
        headers={
            "List-Unsubscribe": "<https://example.org/unsubscribe/x/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative("<p>Découvrez nos sessions.</p>", "text/html")
    return message


def _later(minutes=10):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_an_email_leaves_after_commit_exactly_as_it_was_rendered():
    with transaction.atomic():
        email = email_enqueue(message=_offer(), kind="campaign.offer")
        assert mail.outbox == []  # not before the change that caused it commits

    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to) == (
        "Nos formations",
        "Découvrez nos sessions.",
        ["dora@example.org"],
    )
    assert sent.from_email == "formation@example.org" and sent.reply_to == ["contact@example.org"]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.alternatives[0][1] == "text/html"
    email.refresh_from_db()
    assert (email.status, email.email) == (Status.SENT, "dora@example.org")


def test_a_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(message=_offer(), kind="campaign.offer")
        raise RuntimeError("the registration failed")

    assert mail.outbox == [] and not OutboxEmail.objects.exists()


def test_with_the_broker_down_the_email_waits_for_the_sweeper_after_a_grace(caplog):
    with broker_down():
        email_enqueue(message=_offer(), kind="campaign.offer")

    assert mail.outbox == []
    assert "OperationalError" in caplog.text and "dora@" not in caplog.text
    assert outbox_sweep(now=timezone.now()) == (0, 0)  # its own task may still come
    assert outbox_sweep(now=_later(2)) == (1, 0)
    assert len(mail.outbox) == 1


def test_a_mail_server_down_is_retried_later_and_later():
    with mail_server_down():
        email_enqueue(message=_offer(), kind="campaign.offer")
        email = OutboxEmail.objects.get()
        assert (email.attempts, email.last_error) == (1, "ConnectionRefusedError")
        assert outbox_sweep(now=email.next_attempt_at - datetime.timedelta(seconds=1)) == (0, 0)
        assert outbox_sweep(now=email.next_attempt_at) == (0, 1)

    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at - _later(0) > datetime.timedelta(minutes=1)
    assert outbox_sweep(now=_later(60)) == (1, 0)
    assert len(mail.outbox) == 1


def test_after_too_many_failures_an_email_is_given_up(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with mail_server_down():
        email_enqueue(message=_offer(), kind="campaign.offer")
        outbox_sweep(now=_later(60))
        assert outbox_sweep(now=_later(600)) == (0, 0)

    assert OutboxEmail.objects.get().status == Status.FAILED


def test_a_refused_address_is_given_up_at_once_and_does_not_hold_back_the_others(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    settings.REFUSED_ADDRESSES = ["bad@example.org"]

    email_enqueue(message=_offer("bad@example.org"), kind="campaign.offer")
    email_enqueue(message=_offer("good@example.org"), kind="campaign.offer")

    assert dict(OutboxEmail.objects.values_list("email", "status")) == {
        "bad@example.org": Status.FAILED,
        "good@example.org": Status.SENT,
    }


def test_the_least_tried_go_first(settings):
    with broker_down():
        for n in range(3):
            email_enqueue(message=_offer(f"p{n}@example.org"), kind="campaign.offer")
    OutboxEmail.objects.filter(email="p0@example.org").update(attempts=5)

    outbox_sweep(now=_later(), batch_size=2)

    assert sorted(m.to[0] for m in mail.outbox) == ["p1@example.org", "p2@example.org"]


def test_a_task_and_a_sweeper_racing_for_one_email_send_it_once(require_postgres, settings):
    """The first holds the row while it sends; the second skips it, not waits for it."""
    from tests import mail_backends

    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    mail_backends.SlowBackend.sending.clear()
    mail_backends.SlowBackend.release.clear()
    with broker_down():
        email = email_enqueue(message=_offer(), kind="campaign.offer")
    results = {}

    def first():
        try:
            results["first"] = outbox_deliver(email_id=email.pk, now=timezone.now())
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert mail_backends.SlowBackend.sending.wait(10)
    results["second"] = outbox_deliver(email_id=email.pk, now=timezone.now())
    mail_backends.SlowBackend.release.set()
    thread.join(10)

    assert results == {"first": True, "second": False}
    assert len(mail.outbox) == 1
    assert outbox_sweep(now=_later()) == (0, 0)


def test_sent_emails_are_deleted_after_the_keeping_period_pending_ones_never(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    email_enqueue(message=_offer("old@example.org"), kind="campaign.offer")
    email_enqueue(message=_offer("recent@example.org"), kind="campaign.offer")
    with broker_down():
        email_enqueue(message=_offer("waiting@example.org"), kind="campaign.offer")
    long_ago = timezone.now() - datetime.timedelta(days=31)
    OutboxEmail.objects.filter(email__in=["old@example.org", "waiting@example.org"]).update(
        sent_at=long_ago, created_at=long_ago
    )
    OutboxEmail.objects.filter(email="waiting@example.org").update(sent_at=None)

    rule_apply(BY_NAME["outbox"], now=timezone.now())

    assert set(OutboxEmail.objects.values_list("email", flat=True)) == {
        "recent@example.org",
        "waiting@example.org",
    }


def test_the_dpo_finds_exports_and_erases_a_persons_emails():
    from core.privacy import OutboxProvider

    email_enqueue(message=_offer("Dora@Example.org"), kind="campaign.offer")
    email_enqueue(message=_offer("gus@example.org"), kind="campaign.offer")
    provider = OutboxProvider()

    [record] = provider.records(email="dora@example.org")
    exported = provider.export(email="DORA@example.org")
    counts = provider.erase(email="dora@example.org", now=timezone.now())

    assert "Nos formations" in record.summary
    assert exported["emails"][0]["body"] == "Découvrez nos sessions."
    assert counts == {"erase": 1}
    assert list(OutboxEmail.objects.values_list("email", flat=True)) == ["gus@example.org"]


def test_the_kernel_imports_no_other_app_of_the_project():
    import ast
    from pathlib import Path

    from django.conf import settings

    core = Path(__file__).resolve().parents[2] / "core"
    ours = {app for app in settings.INSTALLED_APPS if "." not in app} - {"core"}
    imported = set()
    for path in core.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}

    assert imported & ours == set()


def test_an_attached_pdf_is_stored_with_the_email_and_leaves_with_it_after_an_outage():
    message = _offer()
    message.attach("convocation.pdf", b"%PDF-1.7 fake", "application/pdf")

    with mail_server_down(), transaction.atomic():
        email_enqueue(message=message, kind="documents.convocation")
    assert mail.outbox == []

    assert outbox_sweep(now=_later()) == (1, 0)
    [sent] = mail.outbox
    assert sent.attachments == [("convocation.pdf", b"%PDF-1.7 fake", "application/pdf")]


def test_an_attachment_too_large_for_the_outbox_is_refused():
    message = _offer()
    message.attach("huge.pdf", b"x" * (3 * 1024 * 1024), "application/pdf")

    with pytest.raises(ValueError):
        email_enqueue(message=message, kind="documents.convocation")
    assert not OutboxEmail.objects.exists()


def test_an_email_keeps_one_message_id_through_every_attempt():
    """A resend (after a failure, or a worker killed once the mail server had taken it)
    carries the same Message-ID, so that the receiving side can drop the copy."""
    with broker_down(), transaction.atomic():
        email = email_enqueue(message=_offer(), kind="campaign.offer")
    stored = email.headers["Message-ID"]
    assert stored.startswith("<") and stored.endswith("@testserver>")  # the site's domain

    with mail_server_down():
        assert not outbox_deliver(email_id=email.pk, now=timezone.now())
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)
    assert outbox_deliver(email_id=email.pk, now=timezone.now())

    [sent] = mail.outbox
    assert sent.message()["Message-ID"] == stored


def test_a_message_id_given_by_the_caller_is_kept_and_an_older_row_gets_a_stable_one():
    message = _offer()
    message.extra_headers["Message-Id"] = "<given@example.org>"
    with broker_down(), transaction.atomic():
        given = email_enqueue(message=message, kind="campaign.offer")
        older = email_enqueue(message=_offer(), kind="campaign.offer")
    assert outbox_message(given).message()["Message-ID"] == "<given@example.org>"

    # Stored before emails carried their own: derived from the row, the same each time.
    OutboxEmail.objects.filter(pk=older.pk).update(headers={})
    older.refresh_from_db()
    first, again = (outbox_message(older).message()["Message-ID"] for _ in range(2))
    assert first == again and first.startswith(f"<outbox.{older.pk}.")
