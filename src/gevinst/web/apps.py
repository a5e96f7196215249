from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gevinst.web"
    label = "web"
    verbose_name = "gevinst web"
