"""Template tags that keep non-essential content out of the HTML until its category is
accepted: what a visitor refused is not in the page at all, so it cannot run or load."""

from django import template
from django.utils import timezone

from cookies.selectors import gated_script_tags

register = template.Library()


@register.inclusion_tag("cookies/gated_scripts.html", takes_context=True)
def gated_scripts(context):
    """<script> tags of the registry's scripts, for the categories the visitor accepted."""
    choice = getattr(context.get("request"), "cookie_choice", None)
    seconds_left = choice.seconds_left(timezone.now()) if choice else None
    categories = context.get("cookie_allowed", set())
    return {"scripts": gated_script_tags(categories=categories, seconds_left=seconds_left)}


class ConsentRequiredNode(template.Node):
    def __init__(self, category: str, nodelist):
        self.category, self.nodelist = category, nodelist

    def render(self, context):
        if self.category in context.get("cookie_allowed", set()):
            return self.nodelist.render(context)
        return ""


@register.tag
def consent_required(parser, token):
    """{% consent_required "advertising" %}…{% end_consent_required %}: rendered only for
    visitors who accepted that category (e.g. a social-media embed)."""
    try:
        _tag, category = token.split_contents()
    except ValueError as error:
        raise template.TemplateSyntaxError("consent_required takes one category") from error
    nodelist = parser.parse(("end_consent_required",))
    parser.delete_first_token()
    return ConsentRequiredNode(category.strip("\"'"), nodelist)
