from django.urls import include, path

urlpatterns = [
    path("", include("gevinst.regions.urls")),
]
