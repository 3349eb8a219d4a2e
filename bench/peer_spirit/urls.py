"""Spirit's URLs at the root, as in Spirit's project template (without the admin)."""

import spirit.urls
from django.urls import include, path

urlpatterns = [path("", include(spirit.urls))]
