from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("region/<str:code>/", views.region_detail, name="detail"),
    path("region/<str:code>/befolkning.csv", views.region_population_csv, name="population_csv"),
]
