from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "gevinst.store"
    label = "store"
    verbose_name = "Observasjonslager"
