from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gevinst.accounts"
    label = "accounts"
    verbose_name = "Organisasjoner og brukere"
