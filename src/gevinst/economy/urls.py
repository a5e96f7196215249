"""Routes of the economy pages: economic room, financial health, perspective analysis."""

from django.urls import include, path

urlpatterns = [
    path("", include("gevinst.economy.urls_potential")),
    path("", include("gevinst.economy.urls_finance")),
    path("", include("gevinst.economy.urls_projection")),
]
