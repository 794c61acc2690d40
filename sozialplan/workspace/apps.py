from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "sozialplan.workspace"
    label = "workspace"
