from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gevinst.plans"
    label = "plans"
    verbose_name = "Gevinstrealiseringsplaner"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
