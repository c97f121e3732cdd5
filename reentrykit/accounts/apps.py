from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reentrykit.accounts"
    label = "accounts"
    verbose_name = "Accounts"
