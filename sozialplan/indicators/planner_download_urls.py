"""``/planung/<district>/zahlen/download/…``: CSV/XLSX downloads for the district's members (not suppressed).

Names (namespace ``indicators_planner_download``) and kwargs as in
:mod:`sozialplan.indicators.download_urls`: ``atlas``, ``overview``, ``profile``.
"""

from django.urls import URLPattern, URLResolver, path

from sozialplan.indicators import download_views as views

app_name = "indicators_planner_download"

urlpatterns: list[URLPattern | URLResolver] = [
    path("download/atlas/<slug:code>/<slug:level>.<slug:fmt>", views.planner_atlas, name="atlas"),
    path("download/uebersicht/<slug:level>.<slug:fmt>", views.planner_overview, name="overview"),
    path("download/profil/<slug:key>.<slug:fmt>", views.planner_profile, name="profile"),
]
