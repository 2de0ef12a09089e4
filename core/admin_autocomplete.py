"""The admin's autocomplete pickers, with words a person can tell apart: a model admin
may define ``autocomplete_label(obj)`` (two trainees named Moreau show their addresses)
and ``autocomplete_order(queryset)`` (upcoming sessions first). Installed on the admin
site by config/urls.py."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def get_queryset(self):
        queryset = super().get_queryset()
        order = getattr(self.model_admin, "autocomplete_order", None)
        return order(queryset) if order else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label:
            result["text"] = label(obj)
        return result


def autocomplete_view(site):
    """The site's autocomplete view, labelled and ordered by each model admin."""

    def view(request):
        return LabelledAutocompleteJsonView.as_view(admin_site=site)(request)

    return view
