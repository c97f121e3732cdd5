from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "reentrykit.assessment"
    label = "assessment"
    verbose_name = "Capacity assessment"

    def ready(self) -> None:
        # Registration: the nav entry, the home-path step, the system check, the demo seeder.
        from reentrykit.assessment import checks, demo, navigation, path_steps  # noqa: F401
