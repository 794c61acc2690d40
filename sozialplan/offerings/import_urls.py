"""Upload of offer files (CSV, HSDS JSON) by planners: see import_views.py."""

from django.urls import URLPattern

app_name = "imports"
urlpatterns: list[URLPattern] = []
