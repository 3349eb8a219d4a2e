"""Every page a visitor opens names itself in the browser's tab and has one <h1>.

The pages are the permission matrix's: each GET that some role opens with a 200
is requested as that role (anonymous visitors and signed-in residents first).
"""

import re

from django.conf import settings
from django.utils.html import escape

from tests.security.conftest import ROLES, World
from tests.security.test_permission_matrix import MATRIX, OK, request_as

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
H1 = re.compile(r"<h1[\s>]")


def test_every_page_names_itself_and_has_one_h1(world: World):
    bare = {settings.WAGTAIL_SITE_NAME, f"{escape(world.town.title)} — Smart Citizen"}
    wrong = []
    seen = 0
    for route, cases in MATRIX.items():
        for page in cases if isinstance(cases, tuple) else (cases,):
            if page.method != "get":
                continue
            url = page.url(world)
            for role, expected in zip(ROLES, page.expect, strict=True):
                if expected != OK:
                    continue
                response = request_as(world.user(role), "get", url, page.data)
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                body = response.content.decode()
                if "<html" not in body:
                    continue  # a fragment (live updates, search suggestions)
                seen += 1
                title = TITLE.search(body)
                name = " ".join(title.group(1).split()) if title else ""
                if name in bare or not name:
                    wrong.append(f"{route!r} {url} as {role}: title {name!r}")
                headings = len(H1.findall(body))
                if headings != 1:
                    wrong.append(f"{route!r} {url} as {role}: {headings} <h1>")
    assert seen > 40, "the walk should see the site's pages"
    assert not wrong, "\n".join(wrong)
