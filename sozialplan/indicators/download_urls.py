"""``/zahlen/<district>/download/…``: public CSV/XLSX downloads (small numbers suppressed).

Names (namespace ``indicators_download``), kwargs ``district`` (slug) and ``fmt`` (``csv``/``xlsx``) plus:
``atlas`` (``code``, ``level``; query ``?stichtag=YYYY-MM-DD``), ``overview`` (``level``), ``profile`` (``key``).
"""

from django.urls import URLPattern, URLResolver, path

from sozialplan.indicators import download_views as views

app_name = "indicators_download"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:district>/download/atlas/<slug:code>/<slug:level>.<slug:fmt>", views.public_atlas, name="atlas"),
    path("<slug:district>/download/uebersicht/<slug:level>.<slug:fmt>", views.public_overview, name="overview"),
    path("<slug:district>/download/profil/<slug:key>.<slug:fmt>", views.public_profile, name="profile"),
]
