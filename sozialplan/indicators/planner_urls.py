"""The same indicator pages for the district's planners and committee members, under /planung/<district>/zahlen/.

No small-number suppression; login required, 404 for non-members, 403 for Träger.
"""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, path

from sozialplan.indicators.views import atlas, overview, profile, start

app_name = "indicators_planner"

PLANNER = {"public": False}

urlpatterns: list[URLPattern | URLResolver] = [
    path("", login_required(start.district_page), PLANNER, name="district"),
    path("atlas/", login_required(atlas.atlas), PLANNER, name="atlas"),
    path("atlas/karte.geojson", login_required(atlas.atlas_geojson), PLANNER, name="atlas_geojson"),
    path("uebersicht/", login_required(overview.overview_page), PLANNER, name="overview"),
    path("gebiet/<str:key>/", login_required(profile.profile_page), PLANNER, name="profile"),
]
