from django.apps import AppConfig


class BaselinesConfig(AppConfig):
    name = "gevinst.baselines"
    label = "baselines"
    verbose_name = "Nullpunktsmålinger"
