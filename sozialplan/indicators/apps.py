from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "sozialplan.indicators"
    label = "indicators"
    verbose_name = "Kennzahlen"
