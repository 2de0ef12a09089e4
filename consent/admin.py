from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.campaigns import campaign_address, campaign_start
from consent.models import Campaign, CampaignRecipient, ConsentRecord, PolicyVersion
from consent.self_service import consent_withdraw
from consent.services import consent_give

SENSITIVE = {ConsentRecord.Purpose.ALLERGY_DATA, ConsentRecord.Purpose.DISABILITY_DATA}
SENSITIVE_VIEW = "trainees.view_sensitiveneeds"


class StaffChoiceForm(forms.ModelForm):
    """A choice the person made in writing (letter, email), recorded by staff."""

    class Meta:
        model = ConsentRecord
        fields = ["email", "purpose", "action", "note"]
        help_texts = {
            "email": _("The person's address, as on file."),
            "note": _("Which letter or email: its date and sender, not a copy."),
        }

    def clean(self):
        cleaned = super().clean()
        purpose, action = cleaned.get("purpose"), cleaned.get("action")
        Purpose, Action = ConsentRecord.Purpose, ConsentRecord.Action
        allowed = {
            # Sensitive data is consented with the data itself; in writing it is withdrawn.
            Purpose.ALLERGY_DATA: {Action.WITHDRAWN},
            Purpose.DISABILITY_DATA: {Action.WITHDRAWN},
            Purpose.NEWSLETTER: {Action.GIVEN, Action.WITHDRAWN},
            Purpose.SUBSIDIARY_OFFERS: {Action.GIVEN, Action.WITHDRAWN},
            Purpose.TRAINEE_OFFERS: {Action.GIVEN, Action.OBJECTED},
            Purpose.CLIENT_PROSPECTING: {Action.GIVEN, Action.OBJECTED},
        }
        if purpose and action and action not in allowed.get(purpose, set()):
            raise forms.ValidationError(_("This choice does not apply to this purpose."))
        if not cleaned.get("note"):
            self.add_error("note", _("Say which written request this comes from."))
        return cleaned


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """The history is append-only: staff add a choice made in writing, never edit one.
    Allergy and disability consents show only to staff who may see that data."""

    form = StaffChoiceForm
    list_display = ["at", "email", "purpose", "action", "channel", "policy_version"]
    list_filter = ["action", "channel", "policy_version"]
    search_fields = ["email"]
    date_hierarchy = "at"
    list_select_related = ["policy_version"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm(SENSITIVE_VIEW):
            queryset = queryset.exclude(purpose__in=SENSITIVE)
        return queryset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "purpose", "action", "note"]
        return [
            "at",
            "email",
            "purpose",
            "action",
            "channel",
            "note",
            "policy_version",
            "trainee",
            "contact",
        ]

    def save_model(self, request, obj, form, change):
        now, channel = timezone.now(), ConsentRecord.Channel.STAFF
        if obj.action == ConsentRecord.Action.GIVEN:
            consent_give(
                email=obj.email, purpose=obj.purpose, channel=channel, now=now, note=obj.note
            )
        else:
            # Withdrawing consent for sensitive data deletes the data at once.
            consent_withdraw(
                email=obj.email, purpose=obj.purpose, channel=channel, now=now, note=obj.note
            )
        obj.pk = ConsentRecord.objects.filter(email=obj.email.strip().lower()).latest("pk").pk


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Publishing a version adds a row; a published version never changes."""

    list_display = ["number", "published_on"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CampaignRecipientInline(admin.TabularInline):
    model = CampaignRecipient
    fields = ["trainee", "contact", "status", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = False

    def get_queryset(self, request):
        # The campaign too: each row is titled with its name, which names the campaign.
        return super().get_queryset(request).select_related("campaign", "trainee", "contact")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "purpose",
        "status",
        "recipient_count",
        "sent",
        "skipped",
        "finished_at",
    ]
    list_filter = ["purpose", "status"]
    readonly_fields = [
        "status",
        "recipient_count",
        "pending",
        "sent",
        "skipped",
        "started_at",
        "finished_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "purpose"]}),
        (_("French (reference)"), {"fields": ["subject_fr", "body_fr"]}),
        (_("English"), {"fields": ["subject_en", "body_en"]}),
        (_("Progress"), {"fields": readonly_fields}),
    ]
    inlines = [CampaignRecipientInline]
    actions = ["send"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _recipients=Count("recipients"),
                _pending=Count("recipients", filter=Q(recipients__status="pending")),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return [
                *self.readonly_fields,
                "name",
                "purpose",
                "subject_fr",
                "body_fr",
                "subject_en",
                "body_en",
            ]
        return self.readonly_fields

    @admin.display(description=_("recipients"))
    def recipient_count(self, campaign):
        return getattr(campaign, "_recipients", None)

    @admin.display(description=_("still to send"))
    def pending(self, campaign):
        return getattr(campaign, "_pending", None)

    def has_send_permission(self, request):
        return request.user.has_perm("consent.send_campaign")

    @admin.action(
        description=_("Send the selected campaigns to their recipients"), permissions=["send"]
    )
    def send(self, request, queryset):
        # A campaign already sending is resumed where it stopped (e.g. after an outage).
        for campaign in queryset.exclude(status=Campaign.Status.DONE):
            campaign_start(campaign=campaign, now=timezone.now())
        self.message_user(request, _("Sending has started; reload the campaign to follow it."))


class AddressCampaignForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), label=_("Campaign"))


def address_campaign_action(purposes, relation: str):
    """An admin action that adds the selected people to a draft campaign."""

    @admin.action(
        description=_("Add the selected people to an offer campaign…"), permissions=["view"]
    )
    def address_campaign(modeladmin, request, queryset):
        if not request.user.has_perm("consent.change_campaign"):
            raise PermissionDenied
        drafts = Campaign.objects.filter(status=Campaign.Status.DRAFT, purpose__in=purposes)
        form = AddressCampaignForm(request.POST if "campaign" in request.POST else None)
        form.fields["campaign"].queryset = drafts
        if form.is_valid():
            campaign = form.cleaned_data["campaign"]
            added = campaign_address(campaign=campaign, **{relation: list(queryset)})
            modeladmin.message_user(
                request,
                _("%(added)d people added to “%(campaign)s”. Send it from its page.")
                % {"added": added, "campaign": campaign},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:consent_campaign_change", args=[campaign.pk]))
        return render(
            request,
            "admin/consent/address_campaign.html",
            {
                **modeladmin.admin_site.each_context(request),
                "form": form,
                "people": queryset,
                "action": "address_campaign",
                "opts": modeladmin.model._meta,
                "title": _("Add to an offer campaign"),
            },
        )

    return address_campaign
