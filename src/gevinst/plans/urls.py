from django.urls import path

from . import views

app_name = "plans"

P = "org/<slug:slug>/plan/"

urlpatterns = [
    path(P, views.plan_home, name="home"),
    path(P + "tiltak/nytt/", views.initiative_new, name="initiative_new"),
    path(P + "tiltak/<int:pk>/", views.initiative_detail, name="initiative"),
    path(P + "tiltak/<int:pk>/endre/", views.initiative_edit, name="initiative_edit"),
    path(P + "tiltak/<int:pk>/slett/", views.initiative_delete, name="initiative_delete"),
    path(P + "tiltak/<int:pk>/beslutningspunkter/", views.decision_points, name="decision_points"),
    path(P + "tiltak/<int:pk>/gevinstkart/", views.benefit_map_edit, name="map"),
    path(P + "tiltak/<int:pk>/gevinst/ny/", views.benefit_new, name="benefit_new"),
    path(P + "gevinst/<int:pk>/", views.benefit_detail, name="benefit"),
    path(P + "gevinst/<int:pk>/endre/", views.benefit_edit, name="benefit_edit"),
    path(P + "gevinst/<int:pk>/slett/", views.benefit_delete, name="benefit_delete"),
    path(P + "gevinst/<int:pk>/maling/ny/", views.measurement_new, name="measurement_new"),
    path(P + "maling/<int:pk>/slett/", views.measurement_delete, name="measurement_delete"),
    path(P + "helsesjekk/", views.plan_check, name="check"),
    path(P + "historikk/", views.history, name="history"),
    path(P + "slettet/", views.deleted, name="deleted"),
    path(P + "gjenopprett/<str:kind>/<int:pk>/", views.restore, name="restore"),
    path(P + "eksport.json", views.export_json, name="export_json"),
    path(P + "eksport.xlsx", views.export_xlsx, name="export_xlsx"),
]
