"""The search tests run against the real Elasticsearch that `make test` starts.

A missing node fails the run with an error (CI or not), never a skip: the
search code would otherwise only ever be tested through its fallback.
"""

import pytest
from django.conf import settings
from elasticsearch import Elasticsearch

from search import backend


@pytest.fixture(scope="session", autouse=True)
def real_elasticsearch() -> None:
    url = settings.ELASTICSEARCH_URL
    if not url:
        pytest.exit("ELASTICSEARCH_URL is empty in the test settings.", returncode=3)
    try:
        info = Elasticsearch(url, request_timeout=5).info()
    except Exception as error:
        pytest.exit(
            f"Elasticsearch is not reachable at {url} ({error}); start it with "
            "`bash scripts/elasticsearch.sh start`.",
            returncode=3,
        )
    major = int(info["version"]["number"].split(".")[0])
    if major != 8:
        pytest.exit(f"Elasticsearch 8 expected, found {info['version']}", returncode=3)


@pytest.fixture(autouse=True)
def empty_index(real_elasticsearch):
    """Each test starts from a fresh index behind the alias of this test run."""
    es = backend.client()
    pattern = f"{backend.alias_name()}*"
    es.indices.delete(index=pattern, ignore_unavailable=True, allow_no_indices=True)
    backend.ensure_index()
    yield
    es.indices.delete(index=pattern, ignore_unavailable=True, allow_no_indices=True)
