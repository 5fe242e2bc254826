from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Consistent copies of the live database and their restore. No models."""

    name = "backups"
    verbose_name = "Backups"
