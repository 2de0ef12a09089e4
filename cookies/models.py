from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentLog(models.Model):
    """Proof of a visitor's cookie choice: what they agreed to, under which registry, when.

    No IP address, no user agent: the random consent id in the visitor's choice cookie is
    the only link between a browser and its entries.
    """

    class Action(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("Accepted all")
        REFUSE_ALL = "refuse_all", _("Refused non-essential")
        CUSTOM = "custom", _("Chose by purpose")

    consent_id = models.UUIDField(_("consent id"), db_index=True)
    language = models.CharField(_("language of the banner"), max_length=5)
    action = models.CharField(_("choice"), max_length=10, choices=Action.choices)
    categories = models.JSONField(_("accepted categories"), default=list)
    registry_version = models.ForeignKey(
        "CookieRegistryVersion",
        on_delete=models.PROTECT,
        related_name="choices",
        verbose_name=_("cookie registry version"),
    )
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("cookie consent")
        verbose_name_plural = _("cookie consent log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.consent_id} · {self.get_action_display()}"


class CookieRegistryVersion(models.Model):
    """What visitors were asked about under one version of the cookie registry: the
    categories, cookies, purposes and lifetimes, as the banner and panel showed them."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    snapshot = models.JSONField(_("content"))
    first_used_at = models.DateTimeField(_("first used on"))

    class Meta:
        verbose_name = _("cookie registry version")
        verbose_name_plural = _("cookie registry versions")
        ordering = ["-first_used_at"]

    def __str__(self) -> str:
        return self.version


class AudienceHit(models.Model):
    """Page views counted per day and page, for visitors who accepted audience measurement.
    Counts only: nothing here identifies a visitor."""

    day = models.DateField(_("day"))
    page = models.CharField(_("page"), max_length=100)
    views = models.PositiveIntegerField(_("views"), default=0)
    returning = models.PositiveIntegerField(_("returning visits"), default=0)

    class Meta:
        verbose_name = _("audience count")
        verbose_name_plural = _("audience counts")
        ordering = ["-day", "page"]
        constraints = [
            models.UniqueConstraint(fields=["day", "page"], name="audience_hit_day_page")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.page}: {self.views}"
