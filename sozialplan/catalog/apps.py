from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sozialplan.catalog"
    label = "catalog"
