"""URL map. Public pages in German under /, planner workspace under /planung/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("sozialplan.portal.urls")),
    path("konto/", include("sozialplan.accounts.urls")),
    path("planung/<slug:district>/import/", include("sozialplan.offerings.import_urls")),
    path("planung/<slug:district>/statistik/", include("sozialplan.indicators.import_urls")),
    path("planung/<slug:district>/zahlen/", include("sozialplan.indicators.planner_urls")),
    path("planung/<slug:district>/zahlen/", include("sozialplan.indicators.planner_download_urls")),
    path("planung/<slug:district>/bedarf/", include("sozialplan.needs.urls")),
    path("zahlen/", include("sozialplan.indicators.urls")),
    path("zahlen/", include("sozialplan.indicators.download_urls")),
    path("api/indikatoren/", include("sozialplan.indicators.api_urls")),
    path("planung/", include("sozialplan.workspace.urls")),
    path("", include("sozialplan.opendata.urls")),
    path("verwaltung/", admin.site.urls),
]
