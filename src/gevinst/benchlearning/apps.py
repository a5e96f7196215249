from django.apps import AppConfig


class BenchlearningConfig(AppConfig):
    name = "gevinst.benchlearning"
    label = "benchlearning"
    verbose_name = "Sammenligning, nettverk og effekter"
