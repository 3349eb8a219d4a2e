"""The site's forms, read from the pages that render them, and Hypothesis
strategies that fill them.

Nothing here lists a form by hand: `discover_forms()` GETs every route of
`site_routes()` and `page_routes()` as each role, parses each
`<form method="post">` of the answer (inputs with their type, `maxlength`,
`min`/`max`, select and radio options, textareas, hidden values, the CSRF token)
and keeps one form per role, target view and set of fields. A new form is
fuzzed without a change here.

`submissions()` draws what a client may send for one form: a valid-looking
baseline with one or a few fields spoiled (too long for a varchar(255) column,
empty, NUL or a lone surrogate, huge or negative numbers, impossible dates,
unknown options, missing or duplicated, garbage files with long names), or
everything random. `encode_body()` spells it as the browser would, lone
surrogates included, so nothing is refused by the test client before the site.
"""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from hypothesis import strategies as st

from tests.fuzz.routes import OUR_APPS, SPECIAL_TEXT, Route, text_values

# A 1×1 PNG: a file input that gets a real image must accept it or refuse it
# with a message, like any other.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
MISSING = object()
_serial = itertools.count(1)


@dataclass
class Field:
    """One named control of a form (radios and checkboxes of one name merged)."""

    name: str
    kind: str  # an input type, or "select" / "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    maxlength: int | None = None
    minimum: str | None = None
    maximum: str | None = None

    @property
    def is_csrf(self) -> bool:
        return self.name == "csrfmiddlewaretoken"


@dataclass
class Form:
    """A form as a role sees it on one page, and where it posts."""

    role: str
    route: str  # the label of the route of the page that renders it
    page: str
    action: str
    view: str  # the URL pattern the form posts to
    multipart: bool
    fields: list[Field]

    @property
    def key(self) -> tuple:
        return (self.role, self.view, tuple(sorted(f.name for f in self.fields)))

    def __str__(self) -> str:
        names = ", ".join(f.name for f in self.fields)
        return f"{self.role} {self.action} (page {self.page}) [{names}]"


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str


# ---------------------------------------------------------------- discovery


def concrete_paths(route: Route, known: dict[str, list[str]]) -> list[str]:
    """The route with its converters filled by known-valid values (a few
    combinations); none when a converter has no known value (only a 404)."""
    choices: list[list[str]] = []
    for kind, text in route.parts:
        if kind == "literal":
            choices.append([text])
        elif kind == "regex" or not known.get(text):
            return []
        else:
            choices.append([quote(value, safe="") for value in known[text][:3]])
    combos = itertools.islice(itertools.product(*choices), 4)
    return ["/" + "".join(pieces).lstrip("/") for pieces in combos]


def _view_of(path: str) -> str | None:
    """The pattern `path` resolves to, when it is a view of this site (not one
    of Wagtail's admin views: docs/security.md)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    func = getattr(match.func, "view_class", match.func)
    module = getattr(func, "__module__", "")
    if module.split(".")[0] not in OUR_APPS and path.startswith("/admin/"):
        return None
    # Wagtail serves every page through one pattern: the path tells them apart.
    return path.lstrip("/") if module.startswith("wagtail.views") else match.route


def _int_attr(tag, name: str) -> int | None:
    try:
        return int(tag.get(name, ""))
    except ValueError:
        return None


def parse_forms(html: str, page: str, role: str, route: str) -> list[Form]:
    """Every POST form of a page, with its fields."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all("form"):
        if (tag.get("method") or "get").lower() != "post":
            continue
        split = urlsplit(urljoin("http://testserver" + page, tag.get("action") or ""))
        if split.netloc != "testserver":
            continue
        action = split.path + (f"?{split.query}" if split.query else "")
        view = _view_of(split.path)
        if view is None:
            continue
        fields: dict[str, Field] = {}
        for control in tag.find_all(["input", "select", "textarea", "button"]):
            name = control.get("name")
            if not name:
                continue
            if control.name == "select":
                options = [
                    o.get("value", o.get_text()) for o in control.find_all("option")
                ]
                chosen = [
                    o.get("value", o.get_text())
                    for o in control.find_all("option")
                    if o.has_attr("selected")
                ]
                value = chosen[0] if chosen else (options[0] if options else "")
                fields[name] = Field(
                    name,
                    "select",
                    value,
                    options,
                    multiple=control.has_attr("multiple"),
                )
                continue
            if control.name == "textarea":
                fields[name] = Field(
                    name,
                    "textarea",
                    control.get_text(),
                    maxlength=_int_attr(control, "maxlength"),
                )
                continue
            kind = (control.get("type") or "text").lower()
            if control.name == "button":
                kind = "submit"
            value = control.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio", "submit") and name in fields:
                merged = fields[name]
                merged.options.append(value)
                merged.multiple = merged.multiple or kind == "checkbox"
                if control.has_attr("checked"):
                    merged.value = value
                continue
            fields[name] = Field(
                name,
                kind,
                value,
                [value] if kind in ("checkbox", "radio", "submit") else [],
                maxlength=_int_attr(control, "maxlength"),
                minimum=control.get("min"),
                maximum=control.get("max"),
            )
        found.append(
            Form(
                role=role,
                route=route,
                page=page,
                action=action,
                view=view,
                multipart=(tag.get("enctype") or "").lower() == "multipart/form-data"
                or any(f.kind == "file" for f in fields.values()),
                fields=list(fields.values()),
            )
        )
    return found


def discover_forms(
    routes_by_role: dict[str, list[Route]],
    clients: dict[str, Client],
    known: dict[str, list[str]],
) -> list[Form]:
    """One form per role, target view and set of fields, from GETs of every
    route each role may use."""
    forms: dict[tuple, Form] = {}
    for role, routes in routes_by_role.items():
        for route in routes:
            for path in concrete_paths(route, known):
                response = clients[role].get(path)
                content_type = response.get("Content-Type", "")
                if response.status_code != 200 or "html" not in content_type:
                    continue
                html = response.content.decode("utf-8", "replace")
                for form in parse_forms(html, path, role, route.label):
                    forms.setdefault(form.key, form)
    return list(forms.values())


# --------------------------------------------------------------- strategies

LONG_TEXT = [
    "x" * 256,
    "é" * 300,
    "a" * 10_000,
    "💧" * 300,
]
BAD_NUMBERS = [
    "-1",
    "-99999999999999999999",
    str(2**31),
    str(2**63),
    "9" * 400,
    "1e9999",
    "NaN",
    "inf",
    "1.5",
    "1,5",
    "0x10",
    "",
    " 3 ",
    "٣",
]
BAD_DATES = [
    "2024-02-30",
    "2023-02-29",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "31/12/2024",
    "2024-13-01",
    "2024-1-1",
    "demain",
    "",
    "2024-06-01T25:00",
]
FILE_NAMES = [
    "photo.jpg",
    "photo.png",
    "a" * 300 + ".jpg",
    "é" * 200 + ".png",
    "x" * 10_000 + ".gif",
    "../../etc/passwd",
    "..",
    ".jpg",
    "sans-extension",
    "photo.jpg.exe",
    "💧.webp",
    "a\\b.png",
    "",
]
FILE_TYPES = ["image/jpeg", "image/png", "application/octet-stream", "text/html", ""]


def uploads() -> st.SearchStrategy[Upload]:
    contents = st.one_of(
        st.binary(max_size=64),
        st.just(TINY_PNG),
        st.just(TINY_PNG[:20]),
        st.just(b"GIF89a" + b"\x00" * 40),
        st.just(b"\xff\xd8\xff\xe0" + b"\x00" * 40),
        st.just(b""),
    )
    return st.builds(
        Upload,
        st.sampled_from(FILE_NAMES) | st.text(max_size=20),
        contents,
        st.sampled_from(FILE_TYPES),
    )


def _today() -> str:
    return timezone.localdate().isoformat()


def plausible(f: Field, password: str) -> str | None:
    """A value a careful visitor would send (None: leave the field out)."""
    if f.kind in ("hidden", "submit") or f.is_csrf:
        return f.value
    if f.kind in ("select", "radio"):
        chosen = [o for o in f.options if o] or f.options
        return f.value if f.value else (chosen[0] if chosen else "")
    if f.kind == "checkbox":
        return f.options[0] if f.options else "on"
    if f.kind == "email":
        return f"fuzz{next(_serial)}@example.org"
    if f.kind == "password":
        return password
    if f.kind == "number":
        return f.minimum or "3"
    if f.kind == "date":
        return _today()
    if f.kind == "file":
        return None
    if f.value:
        return f.value
    return "Texte de test"[: f.maxlength or None]


def bad_values(f: Field) -> st.SearchStrategy:
    """What a broken or hostile client may send in this field."""
    common = [
        st.just(""),
        st.sampled_from(LONG_TEXT),
        st.sampled_from(SPECIAL_TEXT),
        text_values(),
    ]
    if f.maxlength:
        common.append(
            st.sampled_from(
                ["x" * (f.maxlength + 1), "é" * (f.maxlength + 1), "x" * f.maxlength]
            )
        )
    if f.kind == "number":
        common.append(st.sampled_from(BAD_NUMBERS))
        common.append(st.integers(min_value=-(10**40), max_value=10**40).map(str))
    elif f.kind == "date":
        common.append(st.sampled_from(BAD_DATES))
        common.append(st.dates().map(lambda d: d.isoformat()))
    elif f.kind in ("select", "radio", "checkbox", "submit") and f.options:
        common.append(st.sampled_from(f.options))
        common.append(st.sampled_from(["0", "-1", "9" * 30, "autre", "none"]))
    elif f.kind == "email":
        common.append(st.emails().map(str))
        common.append(
            st.sampled_from(
                [
                    "a" * 300 + "@example.org",
                    "x@" + "b" * 250 + ".fr",
                    "pas-une-adresse",
                    "@",
                    "Anne@Example.ORG ",
                ]
            )
        )
    elif f.kind == "file":
        return st.one_of(uploads(), *common)
    return st.one_of(*common)


@st.composite
def submissions(draw, form: Form) -> list[tuple[str, object]]:
    """The (name, value) pairs of one submission; a value is text or Upload."""
    password = draw(st.sampled_from(["Motdepasse-solide-42", "court", ""]))
    mode = draw(st.sampled_from(["spoil-one", "spoil-one", "spoil-some", "random"]))
    fuzzable = [f for f in form.fields if not f.is_csrf]
    spoiled: set[str] = set()
    if fuzzable and mode == "spoil-one":
        spoiled = {draw(st.sampled_from(fuzzable)).name}
    elif fuzzable and mode == "spoil-some":
        spoiled = set(
            draw(st.lists(st.sampled_from([f.name for f in fuzzable]), max_size=3))
        )
    elif mode == "random":
        spoiled = {f.name for f in fuzzable}
    pairs: list[tuple[str, object]] = []
    for f in form.fields:
        if f.name not in spoiled:
            value = plausible(f, password)
            if value is not None:
                pairs.append((f.name, value))
            continue
        how = draw(st.sampled_from(["value", "value", "value", "missing", "twice"]))
        if how == "missing":
            continue
        count = 1 if how == "value" else draw(st.integers(2, 3))
        for _ in range(count):
            pairs.append((f.name, draw(bad_values(f))))
    # Now and then a field no form has.
    if draw(st.integers(0, 9)) == 0:
        pairs.append((draw(st.text(min_size=1, max_size=12)), draw(text_values())))
    return pairs


# ----------------------------------------------------------------- encoding


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _quoted(text: str) -> str:
    return quote(_bytes(text), safe="")


_HEADER_UNSAFE = re.compile(r'["\r\n]')


def encode_body(pairs: list[tuple[str, object]], multipart: bool) -> tuple[bytes, str]:
    """The request body and its Content-Type, as a browser spells them."""
    if not multipart:
        texts = [(k, v.filename if isinstance(v, Upload) else v) for k, v in pairs]
        body = "&".join(f"{_quoted(k)}={_quoted(str(v))}" for k, v in texts)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    boundary = "----fuzzformboundary7MA4YWxkTrZu0gW"
    chunks: list[bytes] = []
    for name, value in pairs:
        # A browser escapes quotes and line breaks in names (HTML's rule).
        safe_name = _HEADER_UNSAFE.sub(lambda m: quote(m[0]), name)
        chunks.append(f"--{boundary}\r\n".encode())
        if isinstance(value, Upload):
            filename = _HEADER_UNSAFE.sub(lambda m: quote(m[0]), value.filename)
            chunks.append(
                _bytes(
                    f'Content-Disposition: form-data; name="{safe_name}"; '
                    f'filename="{filename}"\r\n'
                )
            )
            if value.content_type:
                chunks.append(f"Content-Type: {value.content_type}\r\n".encode())
            chunks.append(b"\r\n" + value.content + b"\r\n")
        else:
            chunks.append(
                _bytes(f'Content-Disposition: form-data; name="{safe_name}"\r\n\r\n')
            )
            chunks.append(_bytes(str(value)) + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def describe(pairs: list[tuple[str, object]]) -> str:
    """The submission, shortened, for an assertion message."""

    def short(value: object) -> str:
        if isinstance(value, Upload):
            return (
                f"<file {short(value.filename)} {len(value.content)} bytes "
                f"{value.content_type}>"
            )
        text = repr(value)
        return text if len(text) <= 80 else f"{text[:60]}…(len {len(str(value))})"

    return ", ".join(f"{name}={short(value)}" for name, value in pairs)


def fields_of(forms: list[Form]) -> Iterator[tuple[Form, Field]]:
    for form in forms:
        for f in form.fields:
            yield form, f
