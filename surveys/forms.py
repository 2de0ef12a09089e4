"""The public survey form: three scores, a yes or no, a bounded comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import COMMENT_MAX

SCORES = [(n, str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _score(label):
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not at all satisfied, 5: very satisfied"),
        error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
    )


class SurveyForm(forms.Form):
    overall = _score(_("Overall, how satisfied are you with the training?"))
    objectives_met = _score(_("Were the training's objectives met?"))
    trainer = _score(_("How satisfied are you with the trainer?"))
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend this training?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Answer yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything to add?"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Please do not write your name or anyone else's: answers are anonymous."),
    )
