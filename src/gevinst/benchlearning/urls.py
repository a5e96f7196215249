"""Routes of benchlearning: similar municipalities, networks, and effect estimates."""

from django.urls import include, path

urlpatterns = [
    path("", include("gevinst.benchlearning.urls_peers")),
    path("", include("gevinst.benchlearning.urls_effect")),
]
