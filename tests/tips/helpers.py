"""Tips built the way moderators make them: a page, a revision, a publication."""

import itertools

from community.models import Member, TownPage
from tips.models import TipIndexPage, TipPage

_slugs = itertools.count(1)


def make_tip_index(town: TownPage, title: str = "Astuces") -> TipIndexPage:
    index = TipIndexPage(title=title, slug="astuces")
    town.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_tip(
    index: TipIndexPage,
    title: str,
    *,
    summary: str = "Un geste simple.",
    domain: str = "energy",
    steps: list[str] | None = None,
    text: str = "",
    author: Member | None = None,
    publish: bool = True,
    **fields,
) -> TipPage:
    body = []
    if text:
        body.append(("text", f"<p>{text}</p>"))
    if steps:
        body.append(("steps", steps))
    tip = TipPage(
        title=title,
        slug=f"astuce-{next(_slugs)}",
        summary=summary,
        domain=domain,
        body=body,
        author=author,
        live=False,
        **fields,
    )
    index.add_child(instance=tip)
    revision = tip.save_revision()
    if publish:
        revision.publish()
        tip.refresh_from_db()
    return tip
