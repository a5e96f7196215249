from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "gevinst.cycle"
    label = "cycle"
    verbose_name = "Årshjul (Helhetsmodellen)"
