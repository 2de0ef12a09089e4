"""The record of processing activities (GDPR Art. 30), generated: purposes and legal bases
from here, recipients and transfers from what the DPO maintains in the admin, and the
retention periods from the retention schedule."""

import dataclasses

from django.utils.translation import gettext_lazy as _

from core.recipients import SECURITY_MEASURES, categories_for
from core.schedule import BY_NAME
from dpo_requests.models import Recipient

INTERNAL, SUB, PARTNER, PUBLIC = (
    Recipient.Kind.INTERNAL,
    Recipient.Kind.SUBCONTRACTOR,
    Recipient.Kind.PARTNER,
    Recipient.Kind.PUBLIC_BODY,
)


@dataclasses.dataclass(frozen=True)
class Activity:
    key: str
    name: str
    purposes: str
    legal_basis: str
    subjects: str
    data: str
    role: str
    recipient_kinds: tuple
    rules: tuple


ACTIVITIES = [
    Activity(
        "training",
        _("Training registration and management"),
        _(
            "Registrations, confirmations and legal training documents, attendance sheets, attendance and training certificates, attendance tracking, LMS access, quality monitoring"
        ),
        _(
            "Contract (self-registration, Labour Code L.6313-1); the employer's legal obligation to train, as its processor (employer registration). Once archived: legal obligation for what the agreements and contracts state (Labour Code L.6353-1, L.6362-5), legitimate interest for the rest, to defend claims (Civil Code art. 2224)"
        ),
        _("Trainees"),
        _(
            "Identity, email, phone, postal address, employer, occupation, diplomas and skills, training attended, attendance"
        ),
        _("Controller (self-registration) or processor for the employer client (Art. 28)"),
        (INTERNAL, SUB, PARTNER, PUBLIC),
        (
            "unconfirmed-registrations",
            "training-archive",
            "training-records",
            "processor-data",
            "survey-invitations",
            "survey-answers",
        ),
    ),
    Activity(
        "attendance",
        _("Attendance per half-day and training certificates"),
        _(
            "Attendance sheets signed per half-day (own phone or staff), certificates of completion and end-of-training attestations (Labour Code L.6353-1), evidence for funders and inspections"
        ),
        _("Legal obligation (Labour Code L.6353-1; proof of the training's execution)"),
        _("Trainees, trainers"),
        _(
            "Identity, attendance per half-day, signature time and method, hours attended, evaluation result"
        ),
        _("Controller (self-registration) or processor for the employer client (Art. 28)"),
        (INTERNAL, PUBLIC),
        ("attendance-evidence",),
    ),
    Activity(
        "trainers",
        _("Trainers"),
        _(
            "Choosing who delivers each session; evidence of who trained whom for quality audits (Qualiopi) and claims"
        ),
        _("Contract (employment or subcontracting); legitimate interest (evidence)"),
        _("Trainers, employees and subcontractors"),
        _("Name, email, employee or subcontractor, company, sessions delivered"),
        _("Controller"),
        (INTERNAL,),
        ("trainers",),
    ),
    Activity(
        "lms",
        _("Online learning platform accounts"),
        _(
            "Opening and closing trainees' accounts on the online learning platform for online and blended sessions; evidence of online attendance"
        ),
        _("Contract (the training ordered); legal obligation (attendance evidence for funders)"),
        _("Trainees of online and blended sessions"),
        _("Identity, email, login identifier, dates the access was granted and revoked"),
        _("Controller (self-registration) or processor for the employer client (Art. 28)"),
        (INTERNAL, SUB),
        ("lms-access-records",),
    ),
    Activity(
        "special_needs",
        _("Meal arrangements and training adaptations"),
        _("Food allergies for meals; disability adaptations (Labour Code D.5211-3)"),
        _("Explicit consent (Art. 9(2)(a)), or the legal obligation to adapt the training"),
        _("Trainees who chose to tell us"),
        _("Food allergies, disability adaptations (encrypted)"),
        _("Controller"),
        (INTERNAL, SUB),
        ("sensitive-needs",),
    ),
    Activity(
        "clients",
        _("Client relationship, studies, statistics and prospecting"),
        _(
            "Managing clients' training orders; marketing studies, statistics and prospecting, including offers from the French subsidiaries related to the person's job, sent to their professional address, unless the person objected"
        ),
        _("Contract; legitimate interest (prospecting), with the right to object"),
        _("Client contacts (training, HR, procurement)"),
        _("Identity, email, job title, postal address, phone"),
        _("Controller"),
        (INTERNAL,),
        ("prospect-contacts", "campaign-recipients"),
    ),
    Activity(
        "offers",
        _("Offers to trainees and newsletter"),
        _(
            "Offers of training similar to the one followed; offers from the French subsidiaries; newsletter"
        ),
        _(
            "Legitimate interest with objection at collection and at any time (offers of similar training); consent, asked for separately and withdrawable at any time (offers from the French subsidiaries, newsletter)"
        ),
        _("Trainees; newsletter subscribers"),
        _("Identity, email, language, consent history"),
        _("Controller"),
        (INTERNAL,),
        ("trainee-prospects", "campaign-recipients", "consent-proofs"),
    ),
    Activity(
        "website",
        _("Website: cookies and audience measurement"),
        _("Strictly necessary cookies; audience measurement with consent; proof of cookie choices"),
        _("Consent (ePrivacy), except strictly necessary cookies"),
        _("Visitors"),
        _("Random consent id, categories chosen, page views counted without identifiers"),
        _("Controller"),
        (INTERNAL,),
        ("cookie-consent-log",),
    ),
    Activity(
        "requests",
        _("Data-subject requests"),
        _(
            "Answering access, rectification, erasure, objection, restriction and portability requests"
        ),
        _("Legal obligation (GDPR Art. 12–22)"),
        _("People exercising their rights"),
        _("Email, request, answer"),
        _("Controller"),
        (INTERNAL,),
        ("unverified-requests", "request-exports", "answered-requests"),
    ),
    Activity(
        "security",
        _("Security and accountability of our systems"),
        _(
            "Staff accounts and sign-in, failed sign-ins, the history of staff changes, the audit log, copies of emails until they are delivered, the log of whom a person's data was sent to, records of restrictions and legal holds"
        ),
        _(
            "Legitimate interest (security of processing, Art. 32); legal obligation (accountability and notifying recipients, Art. 5(2), 19 and 30)"
        ),
        _("Staff; people the logged actions and emails concern"),
        _(
            "Username, address and browser of failed sign-ins; who did what and when; email address, subject and text of emails; recipients of data"
        ),
        _("Controller"),
        (INTERNAL,),
        (
            "expired-sessions",
            "sign-in-failures",
            "admin-history",
            "audit-log",
            "outbox",
            "disclosures",
            "ended-holds",
        ),
    ),
]


# Art. 30(1)(g): the general description of the security measures, as the privacy page
# states them (core/recipients.py).
SECURITY = SECURITY_MEASURES


def processing_record_rows() -> list[dict]:
    """Every activity of the record, with its recipients (categories and names),
    transfers and retention rules."""
    recipients = list(Recipient.objects.all())
    rows = []
    for activity in ACTIVITIES:
        # A recipient counts for the activities the DPO ticked for it (all, if none).
        mine = [
            r
            for r in recipients
            if (activity.key in r.activities)
            or (not r.activities and r.kind in activity.recipient_kinds)
        ]
        rows.append(
            {
                "activity": activity,
                # Art. 30(1)(d): the categories of recipients, as the privacy page
                # lists them, then those the DPO named.
                "categories": categories_for(activity.recipient_kinds),
                "recipients": mine,
                "transfers": [r for r in mine if r.outside_eea],
                "retention": [BY_NAME[name] for name in activity.rules],
            }
        )
    return rows
