from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gevinst.plans"
    label = "plans"
    verbose_name = "Gevinstrealiseringsplaner"
