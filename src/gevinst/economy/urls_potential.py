"""Routes of the economic-room page (handlingsrom per tjeneste) and its exports."""

from django.urls import path

from . import views_potential

app_name = "potential"
urlpatterns = [
    path("region/<str:code>/handlingsrom/", views_potential.potential_page, name="page"),
    path("region/<str:code>/handlingsrom/handlingsrom.<str:fmt>", views_potential.export, name="export"),
]
