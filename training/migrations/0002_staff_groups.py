"""The staff groups and what each may do; later apps add their permissions in their own migrations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")
TRAINING_DATA = {
    "clients": {"organisation": ALL, "clientcontact": ALL},
    "trainees": {"trainee": ALL},
    "training": {"course": ALL, "session": ALL, "enrolment": ALL},
}

GROUPS = {
    # Manage clients, courses, sessions and enrolments; never sees allergy or disability data.
    "Équipe formation": TRAINING_DATA,
    # Arranges meals and adapted training: the only group that sees sensitive needs.
    "Accès données sensibles (logistique)": {
        "trainees": {"trainee": ("view",), "sensitiveneeds": ALL},
        # Needs are entered on the enrolment's page, which takes its change permission.
        "training": {"course": ("view",), "session": ("view",), "enrolment": ("view", "change")},
    },
    # Answers data-subject requests: reads everything, including sensitive needs.
    "DPO": {
        "clients": {"organisation": ("view",), "clientcontact": ("view", "change")},
        "trainees": {"trainee": ("view", "change"), "sensitiveneeds": ("view", "delete")},
        "training": {"course": ("view",), "session": ("view",), "enrolment": ("view",)},
    },
    # Prospecting and offers: client contacts and trainees' names and emails, read-only.
    "Marketing": {
        "clients": {"organisation": ("view",), "clientcontact": ("view",)},
        "trainees": {"trainee": ("view",)},
        "training": {"course": ("view",), "session": ("view",)},
    },
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; this migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
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


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clients", "0001_initial"),
        ("trainees", "0002_initial"),
        ("training", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
