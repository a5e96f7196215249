"""Routes of the perspective-analysis page and its exports."""

from django.urls import path

from . import views_projection

app_name = "projection"
urlpatterns = [
    path("region/<str:code>/perspektiv/", views_projection.projection_page, name="page"),
    path("region/<str:code>/perspektiv/perspektiv.<str:fmt>", views_projection.export, name="export"),
]
