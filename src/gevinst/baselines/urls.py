from django.urls import path

from . import views

app_name = "baselines"
urlpatterns = [
    path("region/<str:code>/nullpunkt/", views.nullpunkt, name="nullpunkt"),
    path("region/<str:code>/nullpunkt/nullpunkt.<str:fmt>", views.export, name="export"),
    path("region/<str:code>/indikator/<str:indicator_id>/", views.indicator, name="indicator"),
    path("region/<str:code>/baerekraft/", views.sdg, name="sdg"),
]
