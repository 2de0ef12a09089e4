"""The staff groups and what each may do: one place, synced after every migrate.

Synced by a post_migrate receiver (staff_auth/apps.py) rather than a data migration, so
that a new permission joins its group on the next migrate and a flushed test database
gets its groups back. Only the permissions listed here are granted; a group's other
permissions are left as an administrator set them.
"""

from django.contrib.auth.models import Group, Permission

ALL = ("add", "change", "delete", "view")
TRAINING_DATA = {
    "clients": {"organisation": ALL, "clientcontact": ALL},
    "trainees": {"trainee": ALL},
    "training": {"course": ALL, "session": ALL, "enrolment": ALL, "trainer": ALL},
}

GROUPS = {
    # Manage clients, courses, sessions and enrolments. May enter a new enrolment's needs
    # (add only) but never sees allergy or disability data afterwards.
    "Équipe formation": {
        **TRAINING_DATA,
        "training": {**TRAINING_DATA["training"], "sensitiveneeds": ("add",)},
        # Accounts on the online learning platform: asked for and closed early here.
        "lms": {"lmsaccess": ("view", "add", "change")},
        # Record a choice a person made in writing.
        "consent": {"consentrecord": ("view", "add")},
        # Send and download convocations, agreements and contracts.
        "documents": {"enrolmentdocuments": ("view", "change")},
        # Mark attendance, show the QR code and sign as trainer (trainers are staff
        # accounts of this group for now), issue certificates again.
        "attendance": {
            "attendancesheet": ("view", "change"),
            "attendanceline": ("view", "change"),
            "certificate": ("view", "change"),
        },
        # Survey results (anonymous answers, shown from 5 answers), for quality monitoring.
        "surveys": {"surveyanswer": ("view",)},
        # A client's employees' data: exported and marked returned at the end of its
        # services (GDPR Art. 28(3)(g)).
        "clients": {**TRAINING_DATA["clients"], "organisation": (*ALL, "return_data")},
    },
    # Arranges meals and adapted training: the one group that works with sensitive needs
    # (the DPO reads them too, to answer requests; every look is audited).
    "Accès données sensibles (logistique)": {
        "trainees": {"trainee": ("view",)},
        "training": {
            "course": ("view",),
            "session": ("view",),
            "enrolment": ("view",),
            "sensitiveneeds": ALL,
        },
    },
    # Answers data-subject requests: reads everything, including sensitive needs and the
    # restricted archive, and runs the retention schedule's back-office.
    "DPO": {
        # It may export a client's employees' data and mark it returned, as training staff do.
        "clients": {
            "organisation": ("view", "return_data"),
            "clientcontact": ("view", "change"),
        },
        "trainees": {"trainee": ("view", "change")},
        "training": {
            "sensitiveneeds": ("view", "delete"),
            "course": ("view",),
            "session": ("view",),
            "enrolment": ("view",),
            "archivedenrolment": ("view",),
            "trainer": ("view",),
        },
        "retention": {"purgelog": ("view",), "rulesetting": ("view", "change")},
        "attendance": {"attendancesheet": ("view",), "certificate": ("view",)},
        "surveys": {"surveyanswer": ("view",)},
        "lms": {"lmsaccess": ("view",)},
        "core": {
            "hold": ("view", "add", "change"),
            "auditentry": ("view",),
            "disclosure": ("view",),
        },
        "dpo_requests": {
            "request": ("view", "add", "handle"),
            "recipient": ALL,
            "breach": ("view", "add", "change"),
        },
        "consent": {
            "consentrecord": ("view", "add"),
            "policyversion": ("view", "add"),
            "suppression": ("view",),
        },
        "cookies": {
            "consentlog": ("view",),
            "cookieregistryversion": ("view",),
            "audiencehit": ("view",),
        },
        # Failed staff sign-ins and lockouts (django-axes): who is being guessed, from where.
        "axes": {"accessattempt": ("view",), "accessfailurelog": ("view",)},
    },
    # Prospecting and offers: client contacts and trainees' names and emails, read-only.
    "Marketing": {
        "clients": {"organisation": ("view",), "clientcontact": ("view",)},
        "trainees": {"trainee": ("view",)},
        "training": {"course": ("view",), "session": ("view",)},
        "cookies": {"audiencehit": ("view",)},
        "campaigns": {
            "campaign": ("add", "change", "view", "send"),
            "campaignrecipient": ("view",),
        },
        "consent": {"consentrecord": ("view",)},
    },
}


def staff_groups_sync(**kwargs) -> None:
    """Create the groups and grant them their permissions (idempotent)."""
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in grants.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )
