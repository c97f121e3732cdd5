from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "reentrykit.public"
    label = "public"
    verbose_name = "Published pages"
