"""backups/ is at the top of the house: it may import every app, and no app imports it."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def imported_apps(app: str) -> set[str]:
    imported = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    return imported


def test_no_app_imports_backups():
    ours = {app for app in settings.INSTALLED_APPS if "." not in app} - {"backups"}

    assert {app for app in ours if "backups" in imported_apps(app)} == set()
    assert "retention" in imported_apps("backups")  # the test reads the real imports
