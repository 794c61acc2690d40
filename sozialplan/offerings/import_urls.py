"""Upload of offer files (CSV, HSDS JSON) by planners: see import_views.py."""

from django.urls import path

from sozialplan.offerings import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.upload, name="upload"),
]
