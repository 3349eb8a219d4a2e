"""config.asgi serves every HTTP request through `SyncPathHandler`, Django's
synchronous chain on threads kept by the process (issue 14): no view of the
site may be a coroutine, which that chain would run through `async_to_sync`,
holding one of the process's few threads for as long as it waits."""

from asgiref.sync import iscoroutinefunction
from django.urls import URLPattern, URLResolver, get_resolver

from config import asgi


def _views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_view_of_the_site_is_a_coroutine():
    views = list(_views(get_resolver().url_patterns))
    # The site's own views, Wagtail's admin and documents, the API: hundreds.
    assert len(views) > 200
    coroutines = [
        route
        for route, view in views
        if iscoroutinefunction(view)
        or iscoroutinefunction(getattr(view, "view_class", None))
    ]
    assert coroutines == []


def test_the_application_sends_all_http_to_the_handler():
    assert asgi.sync_path_app.executor._max_workers == asgi.SYNC_PATH_THREADS
    assert asgi.application.application_mapping["http"] is asgi.http_application
