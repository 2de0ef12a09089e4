"""The retention schedule: every rule the product applies to personal data, in one table.

The Celery beat job, the ``retention`` command, the DPO's back-office and the privacy
policy page all read this table; the periods come from settings.RETENTION (defaults: the
policy's values), and nothing else turns them into rules. Each rule names the service
that applies it (in the app that owns the data) and the selector of what is due.
"""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clients.services import prospect_contacts_due, purge_prospect_contacts
from consent.services import (
    campaign_recipients_due,
    consent_proofs_due,
    purge_campaign_recipients,
    purge_consent_proofs,
)
from cookies.services import consent_log_due, purge_consent_log
from core.outbox import outbox_kept_due
from dpo_requests.retention import (
    closed_requests_due,
    purge_closed_requests,
    purge_request_exports,
    purge_unverified_requests,
    request_exports_due,
    unverified_requests_due,
)
from retention.purges import (
    admin_history_due,
    holds_ended_due,
    purge_admin_history,
    purge_ended_holds,
    purge_expired_sessions,
    purge_outbox,
    sessions_expired_due,
)
from staff_auth.purges import purge_sign_in_failures, sign_in_failures_due
from trainees.registration import (
    purge_unconfirmed_registrations,
    unconfirmed_registrations_due,
)
from trainees.services import (
    purge_sensitive_needs,
    purge_trainee_prospects,
    sensitive_needs_due,
    trainee_prospects_due,
)
from training.services import (
    archive_training_records,
    enrolments_to_archive_due,
    purge_training_records,
    training_records_due,
)

DELETE, ANONYMISE, ARCHIVE, ERASE = _("delete"), _("anonymise"), _("archive"), _("erase the values")
CONTRACT, LEGAL, INTEREST, CONSENT = (
    _("contract"),
    _("legal obligation"),
    _("legitimate interest"),
    _("consent"),
)


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    data: str
    legal_basis: str
    trigger: str
    period: Callable[[], str]
    action: str
    policy: str
    apply: Callable
    # What would be due on a given date (``today`` or ``now`` as the selector expects).
    due: Callable


def _r(key):
    return settings.RETENTION[key]


RULES = [
    Rule(
        name="sensitive-needs",
        data=_("Food allergies and disability adaptations"),
        legal_basis=CONSENT,
        trigger=_("end of the session's last day (Europe/Paris)"),
        period=lambda: _("%(days)d days") % {"days": _r("SENSITIVE_NEEDS_DAYS_AFTER_SESSION")},
        action=ERASE,
        policy=_("§6: allergy and disability data are kept only for the duration of the training."),
        apply=purge_sensitive_needs,
        due=lambda today, now: sensitive_needs_due(today=today),
    ),
    Rule(
        name="training-archive",
        data=_("Enrolments and trainee details (training management)"),
        legal_basis=CONTRACT,
        trigger=_("end of the session"),
        period=lambda: _("%(days)d days") % {"days": _r("TRAINING_ARCHIVE_DAYS_AFTER_SESSION")},
        action=ARCHIVE,
        policy=_("§6: training data is kept while the training is managed, then archived."),
        apply=archive_training_records,
        due=lambda today, now: enrolments_to_archive_due(today=today),
    ),
    Rule(
        name="training-records",
        data=_("Archived enrolments, and trainees with no other enrolment"),
        # Keeping evidence until claims are time-barred is a legitimate interest (the
        # defence of legal claims), not an obligation.
        legal_basis=INTEREST,
        trigger=_("end of the session"),
        period=lambda: _("%(years)d years") % {"years": _r("TRAINING_LIMITATION_YEARS")},
        action=DELETE,
        policy=_("§6: archived until the statutory limitation periods expire, then deleted."),
        apply=purge_training_records,
        due=lambda today, now: training_records_due(today=today),
    ),
    Rule(
        name="prospect-contacts",
        data=_("Contacts of former clients and of prospects"),
        legal_basis=INTEREST,
        trigger=_("end of the commercial relationship, or last contact with a prospect"),
        period=lambda: _("%(years)d years") % {"years": _r("PROSPECTING_YEARS")},
        action=DELETE,
        policy=_(
            "§6: prospecting data is kept at most 3 years after the end of the commercial relationship."
        ),
        apply=purge_prospect_contacts,
        due=lambda today, now: prospect_contacts_due(today=today),
    ),
    Rule(
        name="trainee-prospects",
        data=_("People on file who never enrolled"),
        legal_basis=INTEREST,
        trigger=_("last change to their record"),
        period=lambda: _("%(years)d years") % {"years": _r("PROSPECTING_YEARS")},
        action=DELETE,
        policy=_("§6: prospecting data is kept at most 3 years."),
        apply=purge_trainee_prospects,
        due=lambda today, now: trainee_prospects_due(today=today),
    ),
    Rule(
        name="cookie-consent-log",
        data=_("Proof of cookie choices"),
        legal_basis=LEGAL,
        trigger=_("the choice"),
        period=lambda: _("%(months)d months") % {"months": _r("COOKIE_CONSENT_LOG_MONTHS")},
        action=DELETE,
        policy=_("§9: cookies that need consent are kept at most 13 months."),
        apply=purge_consent_log,
        due=lambda today, now: consent_log_due(now=now),
    ),
    Rule(
        name="consent-proofs",
        data=_("Consents and objections of people no longer on file"),
        legal_basis=LEGAL,
        trigger=_("the choice"),
        period=lambda: _("%(years)d years") % {"years": _r("CONSENT_PROOF_YEARS")},
        action=DELETE,
        policy=_(
            "§3: consent can be withdrawn at any time; its proof is kept for the limitation period."
        ),
        apply=purge_consent_proofs,
        due=lambda today, now: consent_proofs_due(today=today),
    ),
    Rule(
        name="campaign-recipients",
        data=_("Who received an offer campaign"),
        legal_basis=INTEREST,
        trigger=_("end of sending"),
        period=lambda: _("%(days)d days") % {"days": _r("CAMPAIGN_RECIPIENTS_DAYS")},
        action=DELETE,
        policy=_("§6: prospecting data is kept no longer than needed."),
        apply=purge_campaign_recipients,
        due=lambda today, now: campaign_recipients_due(today=today),
    ),
]
RULES += [
    Rule(
        name="request-exports",
        data=_("Archives answering access and portability requests"),
        legal_basis=LEGAL,
        trigger=_("the archive is ready"),
        period=lambda: _("%(days)d days") % {"days": settings.DSR_EXPORT_DAYS},
        action=DELETE,
        policy=_("§8: you obtain your data; the copy we made for you is not kept."),
        apply=purge_request_exports,
        due=lambda today, now: request_exports_due(now=now),
    ),
    Rule(
        name="unverified-requests",
        data=_("Requests whose email address was never confirmed"),
        legal_basis=INTEREST,
        trigger=_("the request"),
        period=lambda: _("%(hours)d hours") % {"hours": settings.DSR_VERIFY_LINK_HOURS},
        action=DELETE,
        policy=_("§8: requests are answered once we know they come from the person."),
        apply=purge_unverified_requests,
        due=lambda today, now: unverified_requests_due(now=now),
    ),
    Rule(
        name="unconfirmed-registrations",
        data=_("Registrations whose email address was never confirmed, with their needs"),
        # Steps taken at the person's request before a contract (Art. 6(1)(b)).
        legal_basis=CONTRACT,
        trigger=_("the registration"),
        period=lambda: _("%(hours)d hours") % {"hours": settings.REGISTRATION_CONFIRM_HOURS},
        action=DELETE,
        policy=_("§2: nothing is recorded in a person's name until they confirm their address."),
        apply=purge_unconfirmed_registrations,
        due=lambda today, now: unconfirmed_registrations_due(now=now),
    ),
    Rule(
        name="answered-requests",
        data=_("Data-subject requests and their answers"),
        legal_basis=LEGAL,
        trigger=_("the answer"),
        period=lambda: _("%(years)d years") % {"years": _r("CONSENT_PROOF_YEARS")},
        action=DELETE,
        policy=_("§8: we keep proof that we answered, for the limitation period."),
        apply=purge_closed_requests,
        due=lambda today, now: closed_requests_due(today=today),
    ),
]
RULES += [
    Rule(
        name="ended-holds",
        data=_("Records of restrictions and legal holds, once ended"),
        legal_basis=LEGAL,
        trigger=_("the end of the hold"),
        period=lambda: _("%(years)d years") % {"years": _r("CONSENT_PROOF_YEARS")},
        action=DELETE,
        policy=_("§8: we keep proof that a restriction was honoured, for the limitation period."),
        apply=purge_ended_holds,
        due=lambda today, now: holds_ended_due(today=today),
    ),
    Rule(
        name="admin-history",
        data=_("The back-office's history of changes (it names records)"),
        legal_basis=INTEREST,
        trigger=_("the change"),
        period=lambda: _("%(months)d months") % {"months": _r("ADMIN_HISTORY_MONTHS")},
        action=DELETE,
        policy=_("§7: access control and traceability of staff actions."),
        apply=purge_admin_history,
        due=lambda today, now: admin_history_due(now=now),
    ),
    Rule(
        name="expired-sessions",
        data=_("Expired login sessions of staff"),
        legal_basis=CONTRACT,
        trigger=_("the session's expiry"),
        period=lambda: _("%(days)d days") % {"days": 0},
        action=DELETE,
        policy=_("§7: access control to IT systems."),
        apply=purge_expired_sessions,
        due=lambda today, now: sessions_expired_due(now=now),
    ),
    Rule(
        name="outbox",
        data=_("Emails sent to people (address, subject and text)"),
        legal_basis=CONTRACT,
        trigger=_("the email is sent, or given up"),
        period=lambda: _("%(days)d days") % {"days": settings.OUTBOX_KEEP_DAYS},
        action=DELETE,
        policy=_("§7: a copy of an email is kept only to check that it was delivered."),
        apply=purge_outbox,
        due=lambda today, now: outbox_kept_due(now=now),
    ),
    Rule(
        name="sign-in-failures",
        data=_("Failed staff sign-ins (username, address, browser)"),
        legal_basis=INTEREST,
        trigger=_("the failed sign-in"),
        period=lambda: _("%(days)d days") % {"days": _r("SIGN_IN_FAILURES_DAYS")},
        action=DELETE,
        policy=_("§7: access control to IT systems."),
        apply=purge_sign_in_failures,
        due=lambda today, now: sign_in_failures_due(now=now),
    ),
]
BY_NAME = {rule.name: rule for rule in RULES}


def self_expiring() -> list[tuple[str, str]]:
    """Personal data that needs no job: it expires by itself, or must be kept. Listed for
    the DPO's page and the privacy policy, from the settings that decide it."""
    from core.throttle import WINDOW_SECONDS

    return [
        (
            _("Signed links in emails"),
            _("never stored; a self-service link works %(days)d days, an unsubscribe link for good")
            % {"days": settings.SELF_SERVICE_LINK_DAYS},
        ),
        (
            _("Throttling counters (keyed hash of the address)"),
            _("%(minutes)d minutes, in the cache") % {"minutes": WINDOW_SECONDS // 60},
        ),
        (
            _("Cookie choice (visitor's browser)"),
            _("%(days)d days") % {"days": settings.COOKIE_CHOICE_MAX_AGE_DAYS},
        ),
        (
            _("Suppression list (keyed hash of the address)"),
            _("as long as the objection must be honoured"),
        ),
    ]
