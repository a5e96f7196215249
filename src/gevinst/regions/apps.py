from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gevinst.regions"
    label = "regions"
    verbose_name = "Regioner"
