from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "gevinst.economy"
    label = "economy"
    verbose_name = "Økonomisk handlingsrom og perspektiv"
