from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in"

    def ready(self):
        from accounts import signals  # noqa: F401 - connects the audit of sign-ins and second factors
