from django import forms

from cookies import registry


class CookieChoiceForm(forms.Form):
    """The banner's three buttons and the panel's switches post here."""

    ACCEPT_ALL, REFUSE_ALL, SAVE = "accept_all", "refuse_all", "save"

    action = forms.ChoiceField(choices=[(a, a) for a in (ACCEPT_ALL, REFUSE_ALL, SAVE)])
    categories = forms.MultipleChoiceField(
        choices=[(key, key) for key in registry.OPTIONAL], required=False
    )
    # Not validated: an unusable address only means going back to the home page.
    next = forms.CharField(required=False, strip=True)

    def log_action(self) -> str:
        """How the visitor chose, as the consent log records it."""
        return {self.ACCEPT_ALL: "accept_all", self.REFUSE_ALL: "refuse_all"}.get(
            self.cleaned_data["action"], "custom"
        )

    def accepted(self) -> set[str]:
        action = self.cleaned_data["action"]
        if action == self.ACCEPT_ALL:
            return set(registry.OPTIONAL)
        if action == self.REFUSE_ALL:
            return set()
        return set(self.cleaned_data["categories"])
