from django.urls import path

from . import views

app_name = "cycle"

P = "org/<slug:slug>/arshjul/"
Y = P + "<int:year>/"

urlpatterns = [
    path(P, views.cycle_home, name="home"),
    path(P + "nytt/", views.cycle_new, name="new"),
    path(Y, views.cycle_year, name="year"),
    path(Y + "innstillinger/", views.cycle_settings, name="settings"),
    path(Y + "aktivitet/<int:pk>/", views.activity_edit, name="activity"),
    path(Y + "mal/", views.goals, name="goals"),
    path(Y + "mal/<int:pk>/endre/", views.goal_edit, name="goal_edit"),
    path(Y + "mal/<int:pk>/slett/", views.goal_delete, name="goal_delete"),
    path(Y + "dypdykk/nytt/", views.deep_dive_new, name="deep_dive_new"),
    path(Y + "dypdykk/<int:pk>/", views.deep_dive, name="deep_dive"),
    path(Y + "dypdykk/<int:pk>/endre/", views.deep_dive_edit, name="deep_dive_edit"),
    path(Y + "dypdykk/<int:pk>/potensial/", views.deep_dive_potential, name="deep_dive_potential"),
    path(Y + "dypdykk/<int:pk>/slett/", views.deep_dive_delete, name="deep_dive_delete"),
    path(Y + "dypdykk/<int:pk>/kandidat/ny/", views.candidate_new, name="candidate_new"),
    path(Y + "kandidat/<int:pk>/", views.candidate, name="candidate"),
    path(Y + "kandidat/<int:pk>/endre/", views.candidate_edit, name="candidate_edit"),
    path(Y + "prioritering/", views.prioritisation, name="prioritisation"),
    path(Y + "a3/<str:kind>.<str:fmt>", views.a3_download, name="a3"),
]
