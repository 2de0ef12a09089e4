"""A mail server that refuses some addresses (settings.REFUSED_ADDRESSES), as a real one
does with SMTPRecipientsRefused, and keeps the others in django.core.mail.outbox."""

import threading
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        refused = set(getattr(settings, "REFUSED_ADDRESSES", ()))
        for message in messages:
            bad = [address for address in message.recipients() if address in refused]
            if bad:
                raise SMTPRecipientsRefused({address: (550, b"no such user") for address in bad})
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    """Holds the first email until the test releases it, to race a second sender."""

    sending = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        SlowBackend.sending.set()
        SlowBackend.release.wait(10)
        return super().send_messages(messages)
