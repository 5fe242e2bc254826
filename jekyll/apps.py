from django.apps import AppConfig


class JekyllConfig(AppConfig):
    """Reading and writing Jekyll sites: the importer, the exporter and their commands. No models."""

    name = "jekyll"
    verbose_name = "Jekyll import and export"
