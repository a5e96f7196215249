from django.urls import include, path

urlpatterns = [
    path("", include("gevinst.regions.urls")),
    path("", include("gevinst.baselines.urls")),
    path("", include("gevinst.economy.urls")),
    path("", include("gevinst.benchlearning.urls")),
    path("", include("gevinst.accounts.urls")),
    path("", include("gevinst.api.urls")),
    path("", include("gevinst.plans.urls")),
    path("", include("gevinst.cycle.urls")),
]
