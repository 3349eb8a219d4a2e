from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from common.notify import unread_count_of
from community import kept
from community.templatetags.community_tags import item_url
from feeds import cards
from feeds.forms import new_client_key
from feeds.text import render_text

register = template.Library()


@register.filter
def rich_text(item) -> SafeString:
    """A post's, comment's or message's text: escaped, links and mentions made."""
    return render_text(item.body, getattr(item, "mentions", None))


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread notifications (one query, for the nav badge,
    unless the page's view read it with its own: feeds/queries/page_state.py)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count_of(user)


@register.simple_tag
def comment_count(post) -> SafeString:
    """A post's « N commentaires » link (`feeds/includes/comment_count.html`).

    A simple tag rather than an include: a feed page shows one per post. The
    catalogue's text is trusted as `{% blocktranslate %}` trusts it; the count
    is an int, printed unlocalised as ids are.
    """
    count = post.comment_count
    text = ngettext("%(counter)s commentaire", "%(counter)s commentaires", count) % {
        "counter": int(count)
    }
    return format_html(
        '<a id="comment-count-{}" href="{}#commentaires">{}</a>',
        post.pk,
        item_url("feeds:post", post.pk),
        mark_safe(text),  # noqa: S308 - the catalogue's text and an int
    )


@register.simple_tag(takes_context=True)
def post_card(context, post) -> SafeString:
    """`{% post_card post %}`: the post's card, kept per snapshot (feeds/cards.py)."""
    return cards.render_post_card(context, post)


@register.simple_tag(takes_context=True)
def comment_card(context, comment) -> SafeString:
    """`{% comment_card comment %}`: a comment's card, replies included (cards.py)."""
    return cards.render_comment_card(context, comment)


# Blank forms kept per process (community/kept.py); the client key is a hole:
# letters and digits, so that it comes out of the widget's escaping unchanged,
# and random, so that no text can hold it.
_CLIENT_KEY_HOLE = f"keptclientkey{new_client_key()}"
_KEPT_FORMS = kept.place()


@register.simple_tag(takes_context=True)
def kept_form(context, form, template_name: str) -> SafeString:
    """`{% kept_form form "feeds/includes/post_form.html" %}`: the include, with
    a blank form's HTML kept per process under what it depends on
    (`form.kept_key()`: the viewer's capabilities, the places offered…) and
    this form's client key, the CSRF token and the path put in at each use.
    A bound form (its errors and data) is rendered each time."""
    template = context.template.engine.get_template(template_name)
    key = form.kept_key() if hasattr(form, "kept_key") else None
    if key is None or context.get("next"):
        with context.push(form=form):
            return mark_safe(template.render(context))  # noqa: S308 - a template

    def render() -> str:
        blank = type(form).from_kept_key(key, _CLIENT_KEY_HOLE)
        return template.render(context.new({"form": blank, **kept.holes()}))

    html = _KEPT_FORMS.get((template_name, type(form).__name__, key), render)
    client_key = conditional_escape(form.initial["client_key"])
    return kept.fill(html.replace(_CLIENT_KEY_HOLE, client_key), context)
