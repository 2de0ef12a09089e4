"""Settings of the privacy promises: links, cookies, retention periods, data-subject
requests, providers, backups, public forms."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import BASE_DIR, env

# How long a "manage my data and consents" link from an email stays valid (unsubscribe
# links never expire).
SELF_SERVICE_LINK_DAYS = env.int("SELF_SERVICE_LINK_DAYS", default=90)
# A satisfaction survey's link works this many days; whether a person was asked is
# deleted once it no longer works (surveys/).
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=30)

# Cookies (policy §9): a visitor's choice is kept at most 6 months, then asked again;
# a cookie set after consent lives at most 13 months, and never longer than the choice
# that allowed it. 180 days stay within the shortest 6 calendar months (181 days), so the
# proof of a choice (kept 6 months) never goes before the choice; 393 days within the
# shortest 13 calendar months (from 1 February to 1 March of the next year).
COOKIE_CHOICE_MAX_AGE_DAYS = env.int("COOKIE_CHOICE_MAX_AGE_DAYS", default=180)
CONSENTED_COOKIE_MAX_AGE_DAYS = env.int("CONSENTED_COOKIE_MAX_AGE_DAYS", default=393)
if COOKIE_CHOICE_MAX_AGE_DAYS > 181 or CONSENTED_COOKIE_MAX_AGE_DAYS > 393:
    raise ImproperlyConfigured(
        "The privacy policy allows at most 6 months for the cookie choice and 13 months "
        "for consented cookies."
    )

# Retention (policy §6), read by the schedule in core/schedule.py, the only place
# that turns them into rules. Defaults are the policy's values.
RETENTION = {
    # Allergy and disability data: for the duration of the training only.
    "SENSITIVE_NEEDS_DAYS_AFTER_SESSION": env.int("RETENTION_SENSITIVE_NEEDS_DAYS", default=0),
    # Training is "no longer managed" once certificates and invoices are done.
    "TRAINING_ARCHIVE_DAYS_AFTER_SESSION": env.int("RETENTION_TRAINING_ARCHIVE_DAYS", default=90),
    # Statutory limitation: 5 years for contractual actions (Code civil art. 2224, Code
    # de commerce art. L.110-4): the evidence is kept to defend claims until then.
    "TRAINING_LIMITATION_YEARS": env.int("RETENTION_TRAINING_LIMITATION_YEARS", default=5),
    # Data held as a client's processor (its employees), at the end of its services (GDPR
    # Art. 28(3)(g)): deleted this many days after, if the client asked for deletion. A
    # month lets the last invoices, certificates and corrections be done, or the client
    # come back, with no new data collected meanwhile.
    "PROCESSOR_END_GRACE_DAYS": env.int("RETENTION_PROCESSOR_END_GRACE_DAYS", default=30),
    # If it asked for its return: deleted once staff mark it returned, and at the latest
    # this many days after the end (the data would otherwise wait for a click forever).
    "PROCESSOR_RETURN_MAX_DAYS": env.int("RETENTION_PROCESSOR_RETURN_MAX_DAYS", default=90),
    # Prospecting: at most 3 years after the end of the commercial relationship.
    "PROSPECTING_YEARS": env.int("RETENTION_PROSPECTING_YEARS", default=3),
    # Proof of cookie choices: as long as the choice itself (§9: 6 months at most); the
    # cookies a choice allowed end with it (cookies/registry.py).
    "COOKIE_CONSENT_LOG_MONTHS": env.int("RETENTION_COOKIE_CONSENT_LOG_MONTHS", default=6),
    # Proof of consents and objections of people no longer on file: 5 years (limitation).
    "CONSENT_PROOF_YEARS": env.int("RETENTION_CONSENT_PROOF_YEARS", default=5),
    # Survey answers name nobody; kept for one Qualiopi certification cycle (3 years),
    # the evidence an auditor asks for (indicators 30 to 32), then deleted.
    "SURVEY_ANSWERS_YEARS": env.int("RETENTION_SURVEY_ANSWERS_YEARS", default=3),
    # Who received an offer campaign: only the counts are kept after this.
    "CAMPAIGN_RECIPIENTS_DAYS": env.int("RETENTION_CAMPAIGN_RECIPIENTS_DAYS", default=90),
    # The admin's change history (it names records): a staff accountability trail.
    "ADMIN_HISTORY_MONTHS": env.int("RETENTION_ADMIN_HISTORY_MONTHS", default=12),
    # The audit log (core.AuditEntry: who handled which request, who viewed sensitive
    # data, exports, restores): the DPO's proof of accountability (GDPR Art. 5(2)), kept
    # as long as the answered requests and proofs of consent it accounts for (limitation
    # period, 5 years), then deleted by the schedule; no one edits or deletes it before.
    "AUDIT_LOG_YEARS": env.int("RETENTION_AUDIT_LOG_YEARS", default=5),
    # Failed staff sign-ins (django-axes), for the DPO to look into a guessing attack:
    # six months, the CNIL's lower bound for access logs.
    "SIGN_IN_FAILURES_DAYS": env.int("RETENTION_SIGN_IN_FAILURES_DAYS", default=180),
    # Attendance sheets and certificates (attendance/): evidence that the training took
    # place, which the State's control of training providers (Code du travail L.6361-1
    # and following) and the funders (OPCO, CPF) may ask for after paying, and which
    # defends contractual claims (Code civil art. 2224): 5 years after the session.
    "ATTENDANCE_EVIDENCE_YEARS": env.int("RETENTION_ATTENDANCE_EVIDENCE_YEARS", default=5),
}
if any(value < 0 for value in RETENTION.values()):
    raise ImproperlyConfigured("Retention periods cannot be negative.")
if RETENTION["SENSITIVE_NEEDS_DAYS_AFTER_SESSION"] != 0:
    raise ImproperlyConfigured(
        "The privacy policy keeps allergy and disability data only for the duration of the "
        "training: RETENTION_SENSITIVE_NEEDS_DAYS must be 0."
    )
if RETENTION["PROSPECTING_YEARS"] > 3 or RETENTION["COOKIE_CONSENT_LOG_MONTHS"] > 6:
    raise ImproperlyConfigured(
        "The privacy policy allows at most 3 years for prospecting data and 6 months for "
        "cookie choices and their proof."
    )
if RETENTION["ATTENDANCE_EVIDENCE_YEARS"] > RETENTION["TRAINING_LIMITATION_YEARS"]:
    raise ImproperlyConfigured(
        "Attendance sheets and certificates name enrolments, which go at the training "
        "limitation period: RETENTION_ATTENDANCE_EVIDENCE_YEARS cannot be longer."
    )
if RETENTION["PROCESSOR_RETURN_MAX_DAYS"] < RETENTION["PROCESSOR_END_GRACE_DAYS"]:
    raise ImproperlyConfigured(
        "Data to return to a client cannot be deleted before the grace period ends: "
        "RETENTION_PROCESSOR_RETURN_MAX_DAYS must be at least RETENTION_PROCESSOR_END_GRACE_DAYS."
    )
# The retention jobs run daily at this local time, in batches of this many rows.
RETENTION_RUN_AT = env.str("RETENTION_RUN_AT", default="02:30")
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=5000)
RETENTION_BATCH_PAUSE = env.float("RETENTION_BATCH_PAUSE", default=0.0)
# Rules the DPO set to wait for approval: what is due and still unapproved after this
# many days is deleted anyway by the nightly run (retention/approvals.py).
RETENTION_APPROVAL_DAYS = env.int("RETENTION_APPROVAL_DAYS", default=7)

# Every app that stores personal data, through its privacy provider (dpo_requests).
# Erasure follows this order: enrolments go before the trainee they point to.
PRIVACY_PROVIDERS = [
    # Before the enrolments they belong to: an erasure deletes them first, and counts them.
    "training.privacy.SensitiveNeedsProvider",
    # Before the enrolments their sheets' lines and certificates belong to.
    "attendance.privacy.AttendanceProvider",
    "surveys.privacy.SurveyInvitationsProvider",
    "lms.privacy.LmsAccessProvider",
    "training.privacy.EnrolmentsProvider",
    "core.privacy.OutboxProvider",
    "trainees.privacy.TraineesProvider",
    "training.privacy.PendingRegistrationsProvider",
    "training.privacy.TrainersProvider",
    "clients.privacy.ClientContactsProvider",
    "consent.privacy.ConsentProvider",
    "campaigns.privacy.CampaignsProvider",
    "core.privacy.HoldsProvider",
    "core.privacy.DisclosuresProvider",
    "dpo_requests.privacy.RequestsProvider",
]
# Data-subject requests: answered within one month, extendable by two (Art. 12(3)); the
# DPO hears of those due within a week; an export stays downloadable this many days.
DSR_DUE_SOON_DAYS = env.int("DSR_DUE_SOON_DAYS", default=7)
DSR_EXPORT_DAYS = env.int("DSR_EXPORT_DAYS", default=30)
DSR_VERIFY_LINK_HOURS = env.int("DSR_VERIFY_LINK_HOURS", default=72)
# An access or portability archive waits for the DPO to download and check it, and to
# send its link: a wrong file sent is a breach. False sends the link as soon as it is built.
DSR_EXPORT_REVIEW = env.bool("DSR_EXPORT_REVIEW", default=True)

# Staff changes of an address within this many days are shown on a request's page: the
# address may be in someone else's hands (the previous one is told; see README).
DSR_ADDRESS_CHANGE_DAYS = env.int("DSR_ADDRESS_CHANGE_DAYS", default=30)
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private")))
# Where `manage.py backup create` writes by default. Backups hold encrypted data as
# ciphertext only; CRYPTOGRAPHY_KEY is never in them and must be kept elsewhere. Not
# backups/: that folder is the app's code.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backup-files")))
# Regular backups (policy §7): the beat job `take-backup` writes one into BACKUP_DIR every
# night at BACKUP_SCHEDULE ("HH:MM", Paris time; empty: off) and keeps the newest
# BACKUP_KEEP (a backup holds people erased since it was taken until it is pruned; a
# restore erases them again).
BACKUP_SCHEDULE = env.str("BACKUP_SCHEDULE", default="03:15")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
if BACKUP_KEEP < 1:
    raise ImproperlyConfigured("BACKUP_KEEP: keep at least 1 backup.")

# Public forms: at most this many valid submissions per client address per hour.
REGISTRATION_SUBMISSIONS_PER_HOUR = env.int("REGISTRATION_SUBMISSIONS_PER_HOUR", default=10)
# Self-registration: a submission holds its seat this many hours while it waits for the
# address's owner to confirm it from the emailed link; unconfirmed, it is released.
REGISTRATION_CONFIRM_HOURS = env.int("REGISTRATION_CONFIRM_HOURS", default=48)
# How many reverse proxies stand in front of the app (each appends to X-Forwarded-For);
# 0 means the app faces visitors directly. Throttling counts the visitor's address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
