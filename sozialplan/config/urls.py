"""URL map. Public pages in German under /, planner workspace under /planung/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("sozialplan.portal.urls")),
    path("konto/", include("sozialplan.accounts.urls")),
    path("planung/<slug:district>/import/", include("sozialplan.offerings.import_urls")),
    path("planung/", include("sozialplan.workspace.urls")),
    path("", include("sozialplan.opendata.urls")),
    path("verwaltung/", admin.site.urls),
]
