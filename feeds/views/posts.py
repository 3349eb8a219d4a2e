"""Feed pages, post detail, comments, reactions and profiles: parse, act, render."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import trust
from common.views import add_action_error, back, back_url, member_required
from community import roles
from community.domains import domains_first
from community.models import Member
from feeds import actions, queries
from feeds.access import hidden_author_ids
from feeds.actions.posts import home_stream
from feeds.forms import CommentForm, EditPostForm, PostForm, neighbourhood_choices
from feeds.models import Comment, FollowKind
from feeds.queries.page_state import PageState
from realtime.groups import neighbourhood_stream, town_stream
from realtime.queries import latest_event_id


def _feed_page(
    request: HttpRequest,
    viewer: Member,
    page: queries.FeedPage,
    state: PageState,
    *,
    title: str,
    stream: str,
    where: str | None = None,
    extra: dict | None = None,
) -> HttpResponse:
    # A form fixed to one place (a neighbourhood's page) lists no places.
    places = neighbourhood_choices(viewer.town_id) if where is None else ()
    form = PostForm.for_member(viewer, neighbourhoods=places, fixed=where)
    first_page = not request.GET.get("avant")
    context = {
        "viewer": viewer,
        "can": trust.capabilities(viewer),
        "page": page,
        "title": title,
        "form": form,
        # Live items go on top of the first page only.
        "live_stream": stream if first_page else None,
        "live_since": state.live_since if first_page else None,
        "hidden_authors": state.hidden,
        **(extra or {}),
    }
    return render(request, "feeds/feed.html", context)


def _page_state(
    request: HttpRequest,
    viewer: Member,
    stream: str,
    follow: tuple[str, int] | None = None,
) -> PageState:
    """Who the viewer does not see (the list leaves them out, the page names
    them for live items: feeds.js), the live stream's newest event on the
    first page, the follow asked about and the unread count: one query."""
    first_page = not request.GET.get("avant")
    return queries.read_page_state(
        viewer, stream=stream if first_page else None, follow=follow
    )


@member_required
def my_feed(request: HttpRequest, viewer: Member) -> HttpResponse:
    # Live from the town's stream, keeping what Mon fil lists (docs/feeds.md).
    stream = town_stream(viewer.town_id)
    state = _page_state(request, viewer, stream)
    # The household's domains first, unless « Tout voir » (docs/feeds.md).
    prefs = domains_first(viewer, request.GET)
    page = queries.my_feed(
        viewer, request.GET.get("avant"), hidden=state.hidden, prefs=prefs
    )
    return _feed_page(
        request,
        viewer,
        page,
        state,
        title=_("Mon fil"),
        stream=stream,
        extra={
            "live_match": json.dumps(queries.my_feed_live_match(viewer)),
            "domains_first": prefs,
        },
    )


@member_required
def town_feed(request: HttpRequest, viewer: Member) -> HttpResponse:
    stream = town_stream(viewer.town_id)
    state = _page_state(request, viewer, stream)
    page = queries.town_feed(viewer, request.GET.get("avant"), hidden=state.hidden)
    return _feed_page(
        request, viewer, page, state, title=_("Toute la commune"), stream=stream
    )


@member_required
def neighbourhood_feed(request: HttpRequest, viewer: Member, slug: str) -> HttpResponse:
    neighbourhood = queries.access_neighbourhood(viewer, slug)
    stream = neighbourhood_stream(neighbourhood.pk)
    state = _page_state(
        request, viewer, stream, (FollowKind.NEIGHBOURHOOD, neighbourhood.pk)
    )
    page = queries.neighbourhood_feed(
        viewer, neighbourhood, request.GET.get("avant"), hidden=state.hidden
    )
    return _feed_page(
        request,
        viewer,
        page,
        state,
        title=neighbourhood.name,
        stream=stream,
        where=f"neighbourhood:{neighbourhood.pk}",
        extra={"neighbourhood": neighbourhood, "following": state.following},
    )


@require_POST
@member_required
def create_post(request: HttpRequest, viewer: Member) -> HttpResponse:
    form = PostForm.for_member(
        viewer,
        request.POST,
        request.FILES,
        neighbourhoods=neighbourhood_choices(viewer.town_id),
    )
    offered = "images" in form.fields
    if form.is_valid():
        data = form.cleaned_data
        try:
            post = actions.check_create_post(
                viewer,
                body=data["body"],
                client_key=data["client_key"],
                content_warning=data["content_warning"],
                domain=data.get("domain", ""),
                # Pictures sent to a form that offered none go to the action
                # all the same: it refuses them with its message.
                images=data["images"] if offered else request.FILES.getlist("images"),
                **form.target(),
            )
        except ValidationError as error:
            add_action_error(form, error, {"neighbourhood": "where", "target": "where"})
        else:
            messages.success(request, _("Votre message est publié."))
            return back(request, reverse("feeds:post", args=[post.pk]))
    if request.FILES and offered:
        messages.warning(
            request,
            _("Par sécurité, choisissez de nouveau vos images avant d'envoyer."),
        )
    return render(
        request,
        "feeds/post_form.html",
        {
            "form": form,
            "viewer": viewer,
            "can": form.can,
            "next": back_url(request, ""),
        },
        status=400,
    )


def _post_detail(
    request: HttpRequest,
    viewer: Member,
    post,
    form: CommentForm | None = None,
    hidden: set[int] | None = None,
) -> HttpResponse:
    parent = request.GET.get("repondre", "")
    can = trust.capabilities(viewer)
    if form is None:
        form = CommentForm(
            initial={"parent": int(parent)} if parent.isdigit() else None, can=can
        )
    stream = home_stream(post)
    if hidden is None:
        hidden = hidden_author_ids(viewer)
    return render(
        request,
        "feeds/post_detail.html",
        {
            "viewer": viewer,
            "can": can,
            # The post's and its comments' cards, one written-out query each
            # (feeds/queries/post_cards.py).
            "post": queries.post_cards([post.pk], viewer.pk)[post.pk],
            "comments": queries.comment_cards(post.pk, viewer.pk, hidden),
            "form": form,
            "live_stream": stream,
            "live_since": latest_event_id(stream),
            "can_hide": roles.is_moderator(request.user, post.town_id),
            "hidden_authors": hidden,
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@member_required
def post_detail(request: HttpRequest, viewer: Member, post_id: int) -> HttpResponse:
    # Who the viewer does not see, who blocked whom, and the unread count,
    # in one query.
    state = queries.read_page_state(viewer)
    hidden = state.hidden
    # The post's row alone: its card is read by one query of its own.
    post = queries.access_post(viewer, post_id, blocked=state.blocked, card=False)
    if post.tip_id is not None:
        # A tip's discussion is read on the tip page (links keep `?repondre=`).
        query = request.GET.urlencode()
        url = post.tip.get_url(request) or reverse("feeds:town")
        return redirect(f"{url}?{query}" if query else url)
    return _post_detail(request, viewer, post, hidden=hidden)


@require_POST
@member_required
def add_comment(request: HttpRequest, viewer: Member, post_id: int) -> HttpResponse:
    post = queries.access_post(viewer, post_id)
    form = CommentForm(request.POST, can=trust.capabilities(viewer))
    if form.is_valid():
        try:
            comment = actions.check_add_comment(
                viewer,
                post,
                body=form.cleaned_data["body"],
                client_key=form.cleaned_data["client_key"],
                parent_id=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            url = reverse("feeds:post", args=[post.pk])
            return redirect(f"{url}#comment-{comment.pk}")
    return _post_detail(request, viewer, post, form)


@require_POST
@member_required
def react(request: HttpRequest, viewer: Member, post_id: int) -> HttpResponse:
    post = queries.access_post(viewer, post_id)
    try:
        actions.do_react(viewer, post, request.POST.get("kind", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return back(request, reverse("feeds:post", args=[post.pk]), f"post-{post.pk}")


@require_POST
@member_required
def delete_post(request: HttpRequest, viewer: Member, post_id: int) -> HttpResponse:
    post = queries.access_post(viewer, post_id)
    actions.do_delete_post(viewer, post)
    messages.success(request, _("Votre publication est supprimée."))
    return redirect("feeds:mine")


@require_POST
@member_required
def hide_post(request: HttpRequest, viewer: Member, post_id: int) -> HttpResponse:
    post = queries.access_post(viewer, post_id)
    # Through moderation: the decision is logged, the author told (and may appeal).
    trust.hide_as_moderator(
        request.user, "post", post.pk, _("Masquée depuis la page de la publication.")
    )
    messages.success(request, _("La publication est masquée."))
    return redirect("feeds:town")


@member_required
def edit_post(request: HttpRequest, viewer: Member, post_id: int) -> HttpResponse:
    post = queries.access_post(viewer, post_id)
    if post.author_id != viewer.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = EditPostForm(request.POST)
        if form.is_valid():
            try:
                actions.check_edit_post(viewer, post, **form.cleaned_data)
            except ValidationError as error:
                add_action_error(form, error, {})
            else:
                return redirect("feeds:post", post_id=post.pk)
    else:
        form = EditPostForm(
            initial={"body": post.body, "content_warning": post.content_warning}
        )
    return render(
        request, "feeds/post_edit.html", {"form": form, "post": post, "viewer": viewer}
    )


@require_POST
@member_required
def delete_comment(
    request: HttpRequest, viewer: Member, comment_id: int
) -> HttpResponse:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.author_id != viewer.pk:
        raise PermissionDenied
    actions.do_delete_comment(viewer, comment)
    return redirect("feeds:post", post_id=comment.post_id)


@member_required
def member_profile(
    request: HttpRequest, viewer: Member, member_id: int
) -> HttpResponse:
    other = queries.access_member(viewer, member_id)
    page = queries.member_posts(viewer, other, request.GET.get("avant"))
    # Live from the town's stream, keeping this member's posts (first page only).
    stream = town_stream(viewer.town_id) if not request.GET.get("avant") else None
    return render(
        request,
        "feeds/member.html",
        {
            "viewer": viewer,
            "other": other,
            "page": page,
            "live_stream": stream,
            "live_since": latest_event_id(stream) if stream else None,
            "live_match": json.dumps({"author_id": [other.pk]}),
            "relation": queries.relation_to(viewer, other) if other != viewer else {},
            "can": trust.capabilities(viewer),
            "may_write": other != viewer and trust.may_write_to(viewer, other.pk),
            "hidden_authors": hidden_author_ids(viewer),
        },
    )


RELATIONS = {
    "follow": lambda viewer, other: actions.do_follow(
        viewer, FollowKind.MEMBER, other.pk
    ),
    "unfollow": lambda viewer, other: actions.do_unfollow(
        viewer, FollowKind.MEMBER, other.pk
    ),
    "mute": actions.do_mute,
    "unmute": actions.do_unmute,
    "block": actions.do_block,
    "unblock": actions.do_unblock,
}


@require_POST
@member_required
def member_relation(
    request: HttpRequest, viewer: Member, member_id: int
) -> HttpResponse:
    other = Member.objects.filter(pk=member_id, town_id=viewer.town_id).first()
    change = RELATIONS.get(request.POST.get("action", ""))
    if other is None or change is None:
        messages.error(request, _("Action inconnue."))
        return redirect("feeds:mine")
    try:
        change(viewer, other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.POST.get("action") == "block":
        messages.success(request, _("Ce membre est bloqué."))
        return redirect("feeds:mine")
    return redirect("feeds:member", member_id=other.pk)


@require_POST
@member_required
def neighbourhood_follow(
    request: HttpRequest, viewer: Member, slug: str
) -> HttpResponse:
    neighbourhood = queries.access_neighbourhood(viewer, slug)
    if request.POST.get("action") == "unfollow":
        actions.do_unfollow(viewer, FollowKind.NEIGHBOURHOOD, neighbourhood.pk)
    else:
        actions.do_follow(viewer, FollowKind.NEIGHBOURHOOD, neighbourhood.pk)
    return redirect("feeds:neighbourhood", slug=slug)
