from django.urls import include, path

from . import views_effect

effect_patterns = ([
    path("region/<str:code>/effekt/", views_effect.choose, name="choose"),
    path("region/<str:code>/effekt/<str:indicator>/", views_effect.effect, name="page"),
    path("region/<str:code>/effekt/<str:indicator>/effekt.<str:fmt>", views_effect.export, name="export"),
], "benchlearning_effect")

urlpatterns = [path("", include(effect_patterns))]
