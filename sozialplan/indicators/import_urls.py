"""Statistics import and the list of datasets, under /planung/<district>/statistik/ (see import_views.py)."""

from django.urls import path

from sozialplan.indicators import import_views

app_name = "indicators_import"
urlpatterns = [
    path("", import_views.dataset_list, name="dataset_list"),
    path("import/", import_views.upload, name="upload"),
    path("import/<str:token>/", import_views.import_preview, name="preview"),
    path("<str:code>/", import_views.dataset_detail, name="dataset_detail"),
    path("<str:code>/loeschen/", import_views.dataset_delete, name="dataset_delete"),
]
