"""Public indicator pages under /zahlen/ (small numbers suppressed)."""

from django.urls import URLPattern, URLResolver, path

from sozialplan.indicators.views import atlas, overview, profile, start

app_name = "indicators"

PUBLIC = {"public": True}

urlpatterns: list[URLPattern | URLResolver] = [
    path("", start.index, name="index"),
    path("<slug:district>/", start.district_page, PUBLIC, name="district"),
    path("<slug:district>/atlas/", atlas.atlas, PUBLIC, name="atlas"),
    path("<slug:district>/atlas/karte.geojson", atlas.atlas_geojson, PUBLIC, name="atlas_geojson"),
    path("<slug:district>/uebersicht/", overview.overview_page, PUBLIC, name="overview"),
    path("<slug:district>/gebiet/<str:key>/", profile.profile_page, PUBLIC, name="profile"),
]
