"""The retention schedule: every rule the product applies to personal data, in one table.

The nightly job and the ``retention`` command (retention/), the DPO's back-office, the
privacy page and the notices to people all read this table; the periods come from
settings.RETENTION (defaults: the policy's values), and nothing else turns them into
rules. Each rule names, by dotted path, the selector of what is due and the service
that applies it, both in the ``purges.py`` of the app that owns the data; the kernel
knows no app, and every app may read the table. core/purge.py::rule_apply runs a rule.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.rule import ARCHIVE, CONSENT, CONTRACT, DELETE, ERASE, INTEREST, LEGAL, Rule, _r
from core.schedule_training import TRAINING_RULES
from core.throttle import WINDOW_SECONDS

RULES = [
    Rule(
        name="sensitive-needs",
        data=_("Food allergies and disability adaptations"),
        legal_basis=CONSENT,
        trigger=_("end of the session's last day, Paris time"),
        # The policy keeps them for the training only (settings refuse any other value).
        period=lambda: _("none after the training"),
        action=ERASE,
        policy=_("§6: allergy and disability data are kept only for the duration of the training."),
        due="training.purges.sensitive_needs_due",
        purge="training.purges.purge_sensitive_needs",
        email_path="enrolment__trainee__email",
    ),
    Rule(
        name="training-archive",
        data=_("Enrolments and trainee details (training management)"),
        legal_basis=CONTRACT,
        trigger=_("end of the session"),
        period=lambda: _("%(days)d days") % {"days": _r("TRAINING_ARCHIVE_DAYS_AFTER_SESSION")},
        action=ARCHIVE,
        policy=_("§6: training data is kept while the training is managed, then archived."),
        due="training.purges.enrolments_to_archive_due",
        purge="training.purges.archive_training_records",
        email_path="trainee__email",
    ),
    Rule(
        name="training-records",
        data=_("Archived enrolments, and trainees with no other enrolment"),
        # What agreements and contracts state is kept as the law requires (Labour Code
        # L.6353-1, L.6362-5); the rest (how one registered) to defend claims
        # (Civil Code 2224). Attendance sheets and certificates: their own rule below.
        legal_basis=_(
            "legal obligation (what the agreements and contracts state); legitimate interest "
            "(the rest, to defend claims)"
        ),
        trigger=_("end of the session"),
        period=lambda: _("%(years)d years") % {"years": _r("TRAINING_LIMITATION_YEARS")},
        action=DELETE,
        policy=_("§6: archived until the statutory limitation periods expire, then deleted."),
        due="training.purges.training_records_due",
        purge="training.purges.purge_training_records",
        email_path="trainee__email",
    ),
    Rule(
        name="processor-data",
        data=_(
            "Data of trainees registered by their employer (we hold it as its processor), "
            "except the training evidence the law requires"
        ),
        # The employer's legal obligation to train its staff, on whose instructions we act
        # (Art. 28); what the law requires us to keep after the end we keep as controller,
        # under the two rules above and "attendance-evidence".
        legal_basis=_("legal obligation (the employer's, on whose behalf we act)"),
        trigger=_("the end of the services to the employer"),
        period=lambda: (
            _(
                "%(days)d days; if the employer asked for it back, until it is returned "
                "(%(longest)d days at most)"
            )
            % {
                "days": _r("PROCESSOR_END_GRACE_DAYS"),
                "longest": _r("PROCESSOR_RETURN_MAX_DAYS"),
            }
        ),
        action=DELETE,
        policy=_(
            "§1: as processor we act on the client's instructions: at the end of the "
            "services its data is returned to it or deleted, as it chose (GDPR Art. "
            "28(3)(g)), except what the law requires us to keep."
        ),
        due="training.purges.processor_data_due",
        purge="training.purges.purge_processor_data",
        email_path="trainee__email",
    ),
    Rule(
        name="prospect-contacts",
        data=_("Contacts of former clients and of prospects"),
        legal_basis=INTEREST,
        # clients.selectors::organisations_with_prospecting_clock says it in code.
        trigger=_(
            "end of the commercial relationship: the end of the last session the company "
            "booked or its last contact with us, whichever is later (or the end date we "
            "recorded, until it books again); our own mailings do not count"
        ),
        period=lambda: _("%(years)d years") % {"years": _r("PROSPECTING_YEARS")},
        action=DELETE,
        policy=_(
            "§6: prospecting data is kept at most 3 years after the end of the commercial relationship."
        ),
        due="clients.purges.prospect_contacts_due",
        purge="clients.purges.purge_prospect_contacts",
        email_path="email",
    ),
    Rule(
        name="trainee-prospects",
        data=_("People on file who never enrolled"),
        legal_basis=INTEREST,
        # trainees.selectors::trainees_with_prospecting_clock says it in code.
        trigger=_(
            "the day they were put on file or their last contact with us of their own "
            "accord (a yes to our offers, on their page or in writing), whichever is "
            "later; our own mailings and our staff's edits do not count"
        ),
        period=lambda: _("%(years)d years") % {"years": _r("PROSPECTING_YEARS")},
        action=DELETE,
        policy=_("§6: prospecting data is kept at most 3 years."),
        due="trainees.purges.trainee_prospects_due",
        purge="trainees.purges.purge_trainee_prospects",
        email_path="email",
    ),
    Rule(
        name="cookie-consent-log",
        data=_("Proof of cookie choices"),
        legal_basis=LEGAL,
        trigger=_("the choice"),
        period=lambda: _("%(months)d months") % {"months": _r("COOKIE_CONSENT_LOG_MONTHS")},
        action=DELETE,
        policy=_("§9: cookie choices are kept at most 6 months."),
        due="cookies.purges.consent_log_due",
        purge="cookies.purges.purge_consent_log",
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
        due="consent.purges.consent_proofs_due",
        purge="consent.purges.purge_consent_proofs",
        email_path="email",
    ),
    Rule(
        name="campaign-recipients",
        data=_("Who received an offer campaign"),
        legal_basis=INTEREST,
        trigger=_("end of sending"),
        period=lambda: _("%(days)d days") % {"days": _r("CAMPAIGN_RECIPIENTS_DAYS")},
        action=DELETE,
        policy=_("§6: prospecting data is kept no longer than needed."),
        due="campaigns.purges.campaign_recipients_due",
        purge="campaigns.purges.purge_campaign_recipients",
        email_path=("trainee__email", "contact__email"),
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
        due="dpo_requests.purges.request_exports_due",
        purge="dpo_requests.purges.purge_request_exports",
    ),
    Rule(
        name="unverified-requests",
        data=_("Requests whose email address was never confirmed"),
        legal_basis=INTEREST,
        trigger=_("the request"),
        period=lambda: _("%(hours)d hours") % {"hours": settings.DSR_VERIFY_LINK_HOURS},
        action=DELETE,
        policy=_("§8: requests are answered once we know they come from the person."),
        due="dpo_requests.purges.unverified_requests_due",
        purge="dpo_requests.purges.purge_unverified_requests",
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
        due="training.purges.unconfirmed_registrations_due",
        purge="training.purges.purge_unconfirmed_registrations",
        # Nothing in it was ever confirmed as the person's: no hold applies to it.
    ),
    Rule(
        name="answered-requests",
        data=_("Data-subject requests and their answers"),
        legal_basis=LEGAL,
        trigger=_("the answer"),
        period=lambda: _("%(years)d years") % {"years": _r("CONSENT_PROOF_YEARS")},
        action=DELETE,
        policy=_("§8: we keep proof that we answered, for the limitation period."),
        due="dpo_requests.purges.closed_requests_due",
        purge="dpo_requests.purges.purge_closed_requests",
        email_path="email",
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
        due="core.purges.holds_ended_due",
        purge="core.purges.purge_ended_holds",
    ),
    Rule(
        name="audit-log",
        data=_("The audit log (who handled a request, viewed sensitive data, exported)"),
        legal_basis=LEGAL,
        trigger=_("the logged action"),
        period=lambda: _("%(years)d years") % {"years": _r("AUDIT_LOG_YEARS")},
        action=DELETE,
        policy=_("§8: proof of how requests were handled, kept as long as the requests."),
        due="core.purges.audit_log_due",
        purge="core.purges.purge_audit_log",
    ),
    Rule(
        name="admin-history",
        data=_("The back-office's history of changes (it names records)"),
        legal_basis=INTEREST,
        trigger=_("the change"),
        period=lambda: _("%(months)d months") % {"months": _r("ADMIN_HISTORY_MONTHS")},
        action=DELETE,
        policy=_("§7: access control and traceability of staff actions."),
        due="core.purges.admin_history_due",
        purge="core.purges.purge_admin_history",
    ),
    Rule(
        name="expired-sessions",
        data=_("Expired login sessions of staff"),
        legal_basis=CONTRACT,
        trigger=_("the session's expiry"),
        period=lambda: _("%(days)d days") % {"days": 0},
        action=DELETE,
        policy=_("§7: access control to IT systems."),
        due="core.purges.sessions_expired_due",
        purge="core.purges.purge_expired_sessions",
    ),
    Rule(
        name="outbox",
        data=_("Emails sent to people (address, subject and text)"),
        legal_basis=CONTRACT,
        trigger=_("the email is sent, or given up"),
        period=lambda: _("%(days)d days") % {"days": settings.OUTBOX_KEEP_DAYS},
        action=DELETE,
        policy=_("§7: a copy of an email is kept only to check that it was delivered."),
        due="core.purges.outbox_kept_due",
        purge="core.purges.purge_outbox",
        email_path="email",
    ),
    Rule(
        name="sign-in-failures",
        data=_("Failed staff sign-ins (username, address, browser)"),
        legal_basis=INTEREST,
        trigger=_("the failed sign-in"),
        period=lambda: _("%(days)d days") % {"days": _r("SIGN_IN_FAILURES_DAYS")},
        action=DELETE,
        policy=_("§7: access control to IT systems."),
        due="staff_auth.purges.sign_in_failures_due",
        purge="staff_auth.purges.purge_sign_in_failures",
        before="staff_auth.purges.lockouts_expired_delete",
    ),
]
RULES += [
    Rule(
        name="disclosures",
        data=_("Who received a person's data (recipients log)"),
        legal_basis=INTEREST,
        trigger=_("the data is sent"),
        period=lambda: _("%(years)d years") % {"years": _r("CONSENT_PROOF_YEARS")},
        action=DELETE,
        policy=_("§5: we know whom your data went to, and tell them of corrections and erasures."),
        due="core.purges.disclosures_due",
        purge="core.purges.purge_disclosures",
        email_path="email",
    ),
]
RULES += TRAINING_RULES
BY_NAME = {rule.name: rule for rule in RULES}


def self_expiring() -> list[tuple[str, str]]:
    """Personal data that needs no job: it expires by itself, or must be kept. Listed for
    the DPO's page and the privacy policy, from the settings that decide it."""
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
            # Erased people stay in the backups until these are pruned (a restore erases
            # them again: backups/services.py): the person is entitled to know.
            _("Backups of the whole database (encrypted data stays encrypted)"),
            _("the newest %(count)d; a restore erases again anyone erased since")
            % {"count": settings.BACKUP_KEEP},
        ),
        (
            _("Suppression list (keyed hash of the address)"),
            _("as long as the objection must be honoured"),
        ),
    ]
