"""Self-service links: opaque, bound to one address and one use, and they expire."""

import datetime

import pytest
import time_machine
from django.core import signing

from consent.tokens import (
    email_token_make,
    email_token_read,
    self_service_token_make,
    self_service_token_read,
)


def test_a_token_reads_back_to_its_address_and_does_not_show_it():
    token = self_service_token_make(email=" Alice.Lambert@Example.org ")

    assert self_service_token_read(token) == "alice.lambert@example.org"
    assert "alice" not in token.lower()


def test_a_tampered_token_is_refused():
    token = self_service_token_make(email="alice@example.org")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    with pytest.raises(signing.BadSignature):
        self_service_token_read(tampered)


def test_a_token_for_another_use_is_worthless_here():
    other = email_token_make(email="alice@example.org", use="something-else")

    with pytest.raises(signing.BadSignature):
        self_service_token_read(other)
    assert email_token_read(other, use="something-else", max_age_seconds=60) == "alice@example.org"


def test_a_token_expires(settings):
    settings.SELF_SERVICE_LINK_DAYS = 90
    with time_machine.travel(datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)):
        token = self_service_token_make(email="alice@example.org")
    with time_machine.travel(datetime.datetime(2027, 3, 30, tzinfo=datetime.UTC)):
        assert self_service_token_read(token) == "alice@example.org"
    with (
        time_machine.travel(datetime.datetime(2027, 4, 2, tzinfo=datetime.UTC)),
        pytest.raises(signing.BadSignature),
    ):
        self_service_token_read(token)


def test_a_new_secret_key_invalidates_old_links(settings):
    token = self_service_token_make(email="alice@example.org")

    settings.SECRET_KEY = "a-rotated-secret-key"

    with pytest.raises(signing.BadSignature):
        self_service_token_read(token)
