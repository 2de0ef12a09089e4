"""Project-wide form conventions for public pages."""

from django import forms


class AccessibleForm(forms.Form):
    """Ties each field's help text and error messages to its input for screen readers.

    Django adds ``aria-describedby`` for the help text and ``aria-invalid`` on errors;
    this adds the id of the error list, rendered by templates/includes/field.html.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_errors"]
            if bound.help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
