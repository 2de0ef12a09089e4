"""PDF documents from templates (WeasyPrint): the same HTML a person could read, laid out
for print. Its system libraries (Pango) are installed by the project's own files
(README, "Two commands"; .ci/run; Dockerfile)."""

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML


def pdf_render(*, template: str, context: dict, language: str) -> bytes:
    """The template rendered in ``language`` and laid out as a PDF."""
    with translation.override(language):
        html = render_to_string(template, {**context, "language": language})
    return HTML(string=html).write_pdf()
