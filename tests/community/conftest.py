"""A second town on its own hostname, for the tests of towns side by side."""

import pytest

from community.models import TownPage
from tests.factories import make_town

B_HOST = "b.test"


@pytest.fixture
def town_b(settings, town) -> TownPage:
    """Bville, on b.test (allowed as a host), beside the default site's town."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, B_HOST]
    return make_town("Bville", hostname=B_HOST)
