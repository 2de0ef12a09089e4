"""Offer campaigns in the admin: the campaign's page, and the action on the trainee and
contact lists that adds the selected people to a draft campaign."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CampaignRecipient
from campaigns.selectors import recipients_reachable
from campaigns.services import campaign_address, campaign_start
from clients.models import ClientContact
from consent.selectors import CONTACT, TRAINEE, purposes_for
from trainees.models import Trainee

# Who each purpose reaches (consent/selectors.py, BASIS), in the words staff read.
WHO_IT_REACHES = _(
    "Who it reaches: our offers of similar training, trainees who did not object; our "
    "offers (client contacts), contacts who did not object; offers from our French "
    "subsidiaries, trainees who agreed and client contacts who did not object (offers "
    "related to their job only); the newsletter, people who subscribed. Anyone else added "
    "is skipped when the campaign is sent."
)


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

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {"purpose": WHO_IT_REACHES}
        return super().get_form(request, obj, **kwargs)

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
        return getattr(campaign, "_recipients", 0)  # 0 on the add page, not "None"

    @admin.display(description=_("still to send"))
    def pending(self, campaign):
        return getattr(campaign, "_pending", 0)

    def has_send_permission(self, request):
        return request.user.has_perm("campaigns.send_campaign")

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
        if not request.user.has_perm("campaigns.change_campaign"):
            raise PermissionDenied
        drafts = Campaign.objects.filter(status=Campaign.Status.DRAFT, purpose__in=purposes)
        form = AddressCampaignForm(request.POST if "campaign" in request.POST else None)
        form.fields["campaign"].queryset = drafts
        if form.is_valid():
            campaign = form.cleaned_data["campaign"]
            people = list(queryset)
            added = campaign_address(campaign=campaign, **{relation: people})
            field = {"trainees": "trainee", "contacts": "contact"}[relation]
            chosen = campaign.recipients.filter(**{f"{field}__in": people})
            reachable = recipients_reachable(
                chosen.select_related("trainee", "contact"),
                purpose=campaign.purpose,
                today=timezone.localdate(),
            )
            modeladmin.message_user(
                request,
                _(
                    "%(added)d people added to “%(campaign)s”; of those selected, %(reachable)d "
                    "may receive it now, the others will be skipped. Send it from its page."
                )
                % {"added": added, "campaign": campaign, "reachable": len(reachable)},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
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
                "who_it_reaches": WHO_IT_REACHES,
            },
        )

    return address_campaign


# The people lists belong to apps below this one: the action joins them from here
# (their admins are registered first: INSTALLED_APPS lists those apps before this one).
# Each list offers the drafts whose purpose may ever reach its kind of person.
for model, purposes, relation in (
    (Trainee, purposes_for(TRAINEE), "trainees"),
    (ClientContact, purposes_for(CONTACT), "contacts"),
):
    people_admin = admin.site._registry[model]
    people_admin.actions = [*people_admin.actions, address_campaign_action(purposes, relation)]
