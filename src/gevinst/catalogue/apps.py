from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "gevinst.catalogue"
    label = "catalogue"
    verbose_name = "Indikatorkatalog"
