from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sozialplan.accounts"
    label = "accounts"
