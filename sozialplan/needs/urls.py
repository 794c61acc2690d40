"""``/planung/<district>/bedarf/…``: the Bedarfsanalyse of a district (namespace ``needs``).

Every view is wrapped in ``login_required`` here; the views answer 404 to
non-members of the district and 403 to members without ``needs.view_needs``
(Träger). Recomputing needs ``needs.recompute``, deciding on and commenting
gaps ``needs.decide_gap`` (planners).
"""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, path

from sozialplan.needs.views import fields, gaps, overview

app_name = "needs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", login_required(overview.index), name="index"),
    path("lauf/", login_required(overview.progress), name="progress"),
    path("neu-berechnen/", login_required(overview.recompute), name="recompute"),
    path("hf/<int:code>/", login_required(fields.field_page), name="field"),
    path("hf/<int:code>/karte.geojson", login_required(fields.field_map), name="field_map"),
    path("hf/<int:code>/erreichbarkeit.csv", login_required(fields.field_csv), name="field_csv"),
    path("hf/<int:code>/erreichbarkeit.geojson", login_required(fields.field_geojson), name="field_geojson"),
    path("luecken/", login_required(gaps.gap_list), name="gap_list"),
    path("luecken.csv", login_required(gaps.gap_csv), name="gap_csv"),
    path("luecken.geojson", login_required(gaps.gap_geojson), name="gap_geojson"),
    path("luecken/<int:pk>/", login_required(gaps.gap_detail), name="gap_detail"),
    path("luecken/<int:pk>/karte.geojson", login_required(gaps.gap_map_data), name="gap_map"),
    path("luecken/<int:pk>/entscheidung/", login_required(gaps.gap_decide), name="gap_decide"),
    path("luecken/<int:pk>/kommentar/", login_required(gaps.gap_comment), name="gap_comment"),
]
