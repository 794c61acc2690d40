from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sozialplan.audit"
    label = "audit"
