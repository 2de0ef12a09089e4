"""Moving a model from one app to another without touching its rows.

The table keeps its name (``Meta.db_table``); the migrations only move the model in
Django's state (``SeparateDatabaseAndState``). What would otherwise be lost is the
model's content type: permissions and the admin's change history point at it, so it is
renamed in place (same row, same id) and every group keeps its rights.
"""

from django.db import migrations


def content_types_move(*moves: tuple[str, str, str]) -> migrations.RunPython:
    """A migration operation: for each ``(old_app, new_app, model)``, the content type
    row changes app; reversed, it changes back."""

    def relabel(apps, pairs):
        content_type = apps.get_model("contenttypes", "ContentType")
        for source, target, model in pairs:
            if content_type.objects.filter(app_label=target, model=model).exists():
                # Already created for the new app (a database migrated in an unusual
                # order): the old row, with its permissions, is the one to keep.
                content_type.objects.filter(app_label=target, model=model).delete()
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)

    def forward(apps, schema_editor):
        relabel(apps, moves)

    def backward(apps, schema_editor):
        relabel(apps, [(target, source, model) for source, target, model in moves])

    return migrations.RunPython(forward, backward)
