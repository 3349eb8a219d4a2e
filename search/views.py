"""`/search/` (a page, no JavaScript needed) and `/search/suggest` (JSON)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from community.queries import member_of
from community.towns import town_for_request
from config import ratelimit
from search import queries


def _page_number(raw: str | None) -> int:
    # ASCII digits only: "²" or "٣" pass `isdigit()` and fail `int()`.
    return queries.small_number(raw, 5) or 1


def _link(query: str, filters: dict, **changes) -> str:
    params = {"q": query, **filters, **changes}
    return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


def search_page(request: HttpRequest) -> HttpResponse:
    town = town_for_request(request)
    get = request.GET
    results = None
    if town is not None and "q" in get:
        retry_after = ratelimit.hit("search", ratelimit.identity(request))
        if retry_after:
            return ratelimit.too_many_requests(request, retry_after)
        results = queries.search_content(
            town,
            get.get("q", ""),
            kind=get.get("kind", ""),
            domain=get.get("domain", ""),
            neighbourhood=get.get("neighbourhood", ""),
            page=_page_number(get.get("page")),
            viewer=member_of(request.user),
        )
    facets = []
    if results is not None:
        for facet, values in results.facets.items():
            links = [
                {
                    "label": value.label,
                    "count": value.count,
                    "active": value.active,
                    # A second click on an active value removes it.
                    "url": _link(
                        results.query,
                        results.filters,
                        **{facet: "" if value.active else value.value, "page": ""},
                    ),
                }
                for value in values
            ]
            if links:
                facets.append({"name": facet, "links": links})
    context = {
        "town": town,
        "query": results.query if results else get.get("q", "")[:200],
        "results": results,
        "facets": facets,
    }
    if results is not None:
        context["previous_url"] = _link(
            results.query, results.filters, page=results.page - 1
        )
        context["next_url"] = _link(
            results.query, results.filters, page=results.page + 1
        )
    return render(request, "search/search_page.html", context)


def suggest(request: HttpRequest) -> JsonResponse:
    town = town_for_request(request)
    query = request.GET.get("q", "")
    if town is None:
        return JsonResponse(
            {"error": {"code": "no_town", "message": "No town for this site."}},
            status=404,
        )
    retry_after = ratelimit.hit("suggest", ratelimit.identity(request))
    if retry_after:
        return ratelimit.too_many_requests_json(retry_after)
    suggestions, precise = queries.suggest(town, query, viewer=member_of(request.user))
    return JsonResponse(
        {"query": query[:200], "precise": precise, "suggestions": suggestions}
    )
