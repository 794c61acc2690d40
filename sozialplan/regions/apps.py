from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sozialplan.regions"
    label = "regions"
