"""Who receives people's data, by category, and how it is protected: one source for the
privacy page, the notice to employees registered by their employer, the record of
processing (Art. 30(1)(d) and (g)) and the access archive (Art. 15(1)(c)). The DPO names
individual recipients in the admin (dpo_requests.Recipient); each belongs to a category."""

from django.utils.translation import gettext_lazy as _

INTERNAL, PROVIDERS, PUBLIC = "internal", "providers", "public"
CATEGORIES = {
    INTERNAL: _(
        "Our departments that manage training, each for its own part, under individual access rights."
    ),
    PROVIDERS: _(
        "Our subcontractors and partners who deliver or certify the training (trainers, higher-education institutions, universities, certification bodies), only to provide the service."
    ),
    PUBLIC: _(
        "Public or private bodies the law requires us to answer (monitoring and funding of vocational training), legal professionals and, where needed, debt-recovery bodies."
    ),
}
# The category of each kind of named recipient (dpo_requests.Recipient.Kind).
CATEGORY_OF_KIND = {
    "internal": INTERNAL,
    "subcontractor": PROVIDERS,
    "partner": PROVIDERS,
    "public": PUBLIC,
}

SECURITY_MEASURES = _(
    "Access by individual account with a second factor, limited by group to what each person needs to know; allergy and disability data encrypted with a key of their own, every look at them logged; HTTPS only; signed links, those that open a person's data expiring; an append-only audit log; retention rules applied every night, automatically or after the DPO's review; an up-to-date record of processing; regular backups; a breach register, and notification to the CNIL within 72 hours where the law requires it."
)


def categories_for(kinds) -> list[str]:
    """The categories' descriptions for these kinds of recipient, in the policy's order."""
    wanted = {CATEGORY_OF_KIND[kind] for kind in kinds}
    return [str(text) for key, text in CATEGORIES.items() if key in wanted]
