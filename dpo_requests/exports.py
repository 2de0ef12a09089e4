"""The archive that answers an access or portability request: the person's data as JSON
(portable) and a readable summary in their language, with what an access answer must
also say (Art. 15(1)), written as a zip to the private files folder. The request's steps
(asking for it, the DPO's review, sending the link) are in dpo_requests/archives.py."""

import json
import os
import secrets
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from dpo_requests.models import Request
from dpo_requests.processing_record import processing_record_rows
from dpo_requests.selectors import subject_export, subject_records


def _exports_path() -> Path:
    return settings.PRIVATE_FILES_ROOT / "exports"


def exports_folder() -> Path:
    """The archives' folder, and the private root above it, open to their owner only."""
    folder = _exports_path()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for made in (settings.PRIVATE_FILES_ROOT, folder):
        os.chmod(made, 0o700)  # mkdir's mode yields to the umask, and skips existing ones
    return folder


def export_file_path(*, name: str) -> Path | None:
    """Where a recorded archive is, or None once it is gone (deleted at its period's end)."""
    path = _exports_path() / name if name else None
    return path if path is not None and path.is_file() else None


def export_remove(*, name: str) -> None:
    """Remove one archive (built again, its earlier file goes)."""
    (_exports_path() / name).unlink(missing_ok=True)


def exports_of_request_remove(*, request_id: int, keep: str = "", previous: str = "") -> None:
    """Remove the request's archives but ``keep``: an earlier build's, and one a worker
    killed while writing it left behind (each name starts with the request's number;
    ``previous``, the one recorded, may predate that)."""
    for path in _exports_path().glob(f"{request_id}-*"):
        if path.name != keep:
            path.unlink(missing_ok=True)
    if previous and previous != keep:
        export_remove(name=previous)


def exports_delete(*, email: str) -> None:
    """Remove every archive made for this address (at an erasure), unfinished ones too."""
    made = Request.objects.filter(email=email)
    for pk, name in made.values_list("pk", "export_file"):
        if name:
            export_remove(name=name)
        exports_of_request_remove(request_id=pk)
    made.exclude(export_file="").update(export_file="", export_expires_at=None)


def _about_the_processing() -> list[dict]:
    """Art. 15(1): purposes, legal bases, recipients and retention periods, per processing
    (in the active language)."""
    return [
        {
            "processing": str(row["activity"].name),
            "purposes": str(row["activity"].purposes),
            "legal_basis": str(row["activity"].legal_basis),
            "recipients": [
                *row["categories"],
                *(f"{r.name} ({r.get_kind_display()})" for r in row["recipients"]),
            ],
            "retention": [
                f"{rule.data}: {rule.period()} → {rule.action}" for rule in row["retention"]
            ],
        }
        for row in processing_record_rows()
    ]


def export_contents(*, request: Request, now) -> tuple[dict, str]:
    """The archive's data (data.json) and its readable summary (summary.html), in the
    person's language, with where the data came from (the employers that gave it)."""
    with translation.override(request.language):
        # In the person's language: the providers' headings and kinds are read here.
        records = subject_records(email=request.email)
        about = _about_the_processing()
        sources = sorted(
            {r.client for found in records.values() for r in found if r.role == "processor"}
        )
        data = {
            "controller": settings.ORGANISATION["name"],
            "generated_at": now.isoformat(),
            "request": request.pk,
            "data": subject_export(email=request.email),
            "about_the_processing": about,
            "data_given_by_your_employer": sources,
        }
        summary = render_to_string(
            "dpo_requests/export_summary.html",
            {
                "request": request,
                "records": records,
                "about": about,
                "sources": sources,
                "data_json": json.dumps(data["data"], ensure_ascii=False, indent=2, default=str),
                "organisation": settings.ORGANISATION,
                "generated_at": now,
            },
        )
    return data, summary


def export_write(*, request: Request, now) -> str:
    """Write the person's archive into the private files folder; returns the file's name."""
    data, summary = export_contents(request=request, now=now)
    # Unguessable, and found by its request's number when a killed build left it.
    name = f"{request.pk}-{secrets.token_urlsafe(24)}.zip"
    # Health data in plain text, kept up to DSR_EXPORT_DAYS: readable by the app's own
    # user only, like a backup, whatever the umask.
    handle = os.open(exports_folder() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with (
        os.fdopen(handle, "wb") as file,
        zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("summary.html", summary)
    return name
