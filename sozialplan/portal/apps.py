from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sozialplan.portal"
    label = "portal"
