from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "sozialplan.opendata"
    label = "opendata"
