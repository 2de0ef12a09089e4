"""Reads on consent: a person's current choices, derived from their history."""

import contextlib
import dataclasses

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from clients.selectors import contacts_by_email
from consent.models import ConsentRecord, PolicyVersion, Suppression
from core.addresses import address_hash, email_normalise
from core.holds import holds_active
from core.providers import providers
from trainees.selectors import trainee_by_email

Purpose, Action = ConsentRecord.Purpose, ConsentRecord.Action
# Emails to people about our offers: objection ends them, and so does the suppression list.
MARKETING = {
    Purpose.TRAINEE_OFFERS,
    Purpose.CLIENT_PROSPECTING,
    Purpose.SUBSIDIARY_OFFERS,
    Purpose.NEWSLETTER,
}
# The kinds of person a purpose may concern, and the two bases: nothing until the person
# said yes (consent), or allowed unless the person said no (objection).
TRAINEE, CONTACT = "trainee", "contact"
CONSENT, OBJECTION = "consent", "objection"
# Who may be written to for each purpose, and on which basis: the one place campaigns,
# the person's page and withdrawals read. A kind missing from a purpose's row is never
# written to for it (no prospecting of trainees, no trainee offers to client contacts).
BASIS = {
    Purpose.ALLERGY_DATA: {TRAINEE: CONSENT},
    Purpose.DISABILITY_DATA: {TRAINEE: CONSENT},
    # Individuals: without prior consent only our own similar services may be offered,
    # with an objection possible at collection and in every email (CPCE L.34-5).
    Purpose.TRAINEE_OFFERS: {TRAINEE: OBJECTION},
    # Professional addresses, about the person's job (B2B): unless they object.
    Purpose.CLIENT_PROSPECTING: {CONTACT: OBJECTION},
    # Another company's offers: an individual's prior consent (the existing-customer
    # exception covers only our own offers); for a contact's professional address, offers
    # related to their job, an objection suffices.
    Purpose.SUBSIDIARY_OFFERS: {TRAINEE: CONSENT, CONTACT: OBJECTION},
    Purpose.NEWSLETTER: {TRAINEE: CONSENT, CONTACT: CONSENT},
}


def purposes_for(kind: str) -> list[str]:
    """The communication purposes that may ever reach this kind of person."""
    return [
        purpose for purpose in Purpose.values if purpose in MARKETING and kind in BASIS[purpose]
    ]


def purpose_basis(*, purpose: str, kinds) -> str:
    """The basis a purpose rests on for a person of these kinds (trainee, contact, both
    or neither). An address known as a client contact's is professional: where a kind
    allows writing unless the person objects, that applies; known as neither, the
    strictest basis does."""
    bases = {BASIS[purpose][kind] for kind in kinds if kind in BASIS[purpose]}
    if OBJECTION in bases:
        return OBJECTION
    return CONSENT if bases or CONSENT in BASIS[purpose].values() else OBJECTION


def person_kinds(*, email: str) -> set[str]:
    """Whether this address is a trainee's, a client contact's, both or neither."""
    kinds = {TRAINEE} if trainee_by_email(email=email) is not None else set()
    return kinds | ({CONTACT} if contacts_by_email(email=email).exists() else set())


def policy_version_current() -> PolicyVersion:
    """The privacy policy version in force: the latest published on or before today (a
    version dated in the future is announced, not yet in force)."""
    return PolicyVersion.objects.filter(published_on__lte=timezone.localdate()).latest()


_IN_FORCE = "consent:policy-version:{day}"


def policy_version_in_force() -> PolicyVersion:
    """policy_version_current(), kept in the cache for the day (the privacy page reads
    it on every visit); a version saved or deleted empties it (consent/apps.py)."""
    key = _IN_FORCE.format(day=timezone.localdate().isoformat())
    try:
        version = cache.get(key)
    except Exception:  # the cache is down: the database answers alone
        return policy_version_current()
    if version is None:
        version = policy_version_current()
        with contextlib.suppress(Exception):
            cache.set(key, version, timeout=24 * 3600)
    return version


def policy_version_forget(**kwargs) -> None:
    """A version was saved or deleted: the one in force is read again, from now and
    from the commit on (a visit in between may have cached the one before)."""

    def forget():
        with contextlib.suppress(Exception):
            cache.delete(_IN_FORCE.format(day=timezone.localdate().isoformat()))

    forget()
    transaction.on_commit(forget)


def consent_history(*, email: str):
    """Every choice this address made, oldest first."""
    return (
        ConsentRecord.objects.filter(email=email_normalise(email))
        .select_related("policy_version")
        .order_by("at", "pk")
    )


def consent_state(*, email: str) -> dict[str, str]:
    """Each purpose's current choice for this address: the latest record wins."""
    return {record.purpose: record.action for record in consent_history(email=email)}


def is_suppressed(*, email: str, purpose: str) -> bool:
    """Whether this address asked never to receive this purpose's emails again."""
    return Suppression.objects.filter(address_hash=address_hash(email), purpose=purpose).exists()


def _allowed(action: str | None, basis: str | None) -> bool:
    if basis == CONSENT:
        return action == Action.GIVEN
    return basis == OBJECTION and action not in (Action.OBJECTED, Action.WITHDRAWN)


def _restricted(emails) -> set[str]:
    """Addresses under a restriction of processing (Art. 18): no offers reach them."""
    today = timezone.localdate()
    return set(
        holds_active(today=today)
        .filter(kind="restriction", email__in=[email_normalise(e) for e in emails])
        .values_list("email", flat=True)
    )


def _blocked(*, email: str, purpose: str) -> bool:
    """Suppressed or restricted (Art. 18): no email of this purpose, whatever the choice."""
    return purpose in MARKETING and (
        is_suppressed(email=email, purpose=purpose) or bool(_restricted([email]))
    )


def communication_allowed(*, email: str, purpose: str, kind: str | None = None) -> bool:
    """May we use this address for this purpose now? ``kind``: as a trainee's or a client
    contact's address; by default, as whatever the address is on file as."""
    if kind is None:
        basis = purpose_basis(purpose=purpose, kinds=person_kinds(email=email))
    else:
        basis = BASIS[purpose].get(kind)
    return not _blocked(email=email, purpose=purpose) and _allowed(
        consent_state(email=email).get(purpose), basis
    )


def communication_allowed_among(*, emails: list[str], purpose: str, kind: str) -> set[str]:
    """The addresses, among these people of one kind (trainees or client contacts), that
    may receive this purpose's emails (three queries at most)."""
    basis = BASIS[purpose].get(kind)
    if basis is None or not emails:
        return set()
    normalised = {email_normalise(email): address_hash(email) for email in emails}
    suppressed = set(
        Suppression.objects.filter(
            purpose=purpose, address_hash__in=normalised.values()
        ).values_list("address_hash", flat=True)
    )
    latest: dict[str, str] = {}
    records = ConsentRecord.objects.filter(email__in=normalised, purpose=purpose).order_by(
        "at", "pk"
    )
    for email, action in records.values_list("email", "action"):
        latest[email] = action
    restricted = _restricted(normalised) if purpose in MARKETING else set()
    return {
        email
        for email, hashed in normalised.items()
        if hashed not in suppressed
        and email not in restricted
        and _allowed(latest.get(email), basis)
    }


@dataclasses.dataclass(frozen=True)
class SubjectPurpose:
    """One line of the person's own page: a purpose, its basis for them, and whether it
    applies now."""

    key: str
    label: str
    basis: str
    allowed: bool


def subject_purposes(*, email: str) -> list[SubjectPurpose]:
    """Every purpose that concerns this person or that they chose about, for their own
    page, each with the basis it rests on for them."""
    state = consent_state(email=email)
    # What the person chose before, what the data we hold about them calls for (each
    # provider says), and the newsletter, open to anyone.
    concerned = {Purpose.NEWSLETTER, *state}
    for provider in providers():
        concerned |= provider.purposes(email=email)
    if concerned & {Purpose.TRAINEE_OFFERS, Purpose.CLIENT_PROSPECTING}:
        # Whoever may receive our offers may also agree to (or, at a professional
        # address, object to) our subsidiaries'.
        concerned.add(Purpose.SUBSIDIARY_OFFERS)
    kinds = person_kinds(email=email)
    lines = []
    for purpose, label in Purpose.choices:
        if purpose in concerned:
            basis = purpose_basis(purpose=purpose, kinds=kinds)
            allowed = not _blocked(email=email, purpose=purpose) and _allowed(
                state.get(purpose), basis
            )
            lines.append(SubjectPurpose(purpose, label, basis, allowed))
    return lines


def person_language(*, email: str, default: str) -> str:
    """The language this person reads our emails in, if we know them."""
    trainee = trainee_by_email(email=email)
    if trainee is not None:
        return trainee.language
    contact = contacts_by_email(email=email).first()
    return contact.language if contact is not None else default


def address_on_file(*, email: str) -> bool:
    """Do we hold anything about this address (for sending it a fresh link)?"""
    return bool(
        trainee_by_email(email=email)
        or contacts_by_email(email=email).exists()
        or ConsentRecord.objects.filter(email=email_normalise(email)).exists()
    )


def consent_counts() -> list[dict]:
    """How many people's current choice, per purpose and choice (for the DPO)."""
    # A person's current choice is the record no later one follows: one anti-join.
    # Looking up each record's latest (a subquery per row, as the ORM writes it) took
    # 1 s at 160,000 records; the ORM cannot compare (at, id) pairs, which the
    # anti-join needs to stay a hash join (written with OR, it took 1.4 s).
    table = connection.ops.quote_name(ConsentRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.purpose, c.action, COUNT(*) FROM {table} c WHERE NOT EXISTS ("  # noqa: S608
            f" SELECT 1 FROM {table} later WHERE later.email = c.email"
            " AND later.purpose = c.purpose AND (later.at, later.id) > (c.at, c.id))"
            " GROUP BY c.purpose, c.action ORDER BY c.purpose, c.action"
        )
        return [
            {"purpose": purpose, "action": action, "people": people}
            for purpose, action, people in cursor.fetchall()
        ]


def policy_versions_snapshot() -> list[dict]:
    """Every policy version, as plain values a restore carries over."""
    return list(PolicyVersion.objects.values("number", "published_on", "summary"))


def consent_records_snapshot() -> list[dict]:
    """The whole consent history, oldest first, as plain values a restore carries over."""
    return list(
        ConsentRecord.objects.order_by("at", "pk").values(
            "email", "purpose", "action", "channel", "at", "note", "policy_version__number"
        )
    )


def suppressions_snapshot() -> list[dict]:
    """The whole suppression list, as plain values a restore carries over."""
    return list(Suppression.objects.values("address_hash", "purpose", "created_at"))
