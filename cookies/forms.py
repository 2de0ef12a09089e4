from django import forms

from cookies import registry


class CookieChoiceForm(forms.Form):
    """The banner's three buttons and the panel's switches post here."""

    ACCEPT_ALL, REFUSE_ALL, SAVE = "accept_all", "refuse_all", "save"

    action = forms.ChoiceField(choices=[(a, a) for a in (ACCEPT_ALL, REFUSE_ALL, SAVE)])
    categories = forms.MultipleChoiceField(
        choices=[(key, key) for key in registry.OPTIONAL], required=False
    )
    next = forms.CharField(required=False, max_length=2000)

    def accepted(self) -> set[str]:
        action = self.cleaned_data["action"]
        if action == self.ACCEPT_ALL:
            return set(registry.OPTIONAL)
        if action == self.REFUSE_ALL:
            return set()
        return set(self.cleaned_data["categories"])
