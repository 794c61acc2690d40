"""Workspace URLs: /planung/ (districts), /planung/traeger/ (Träger area), /planung/<district>/…

Every district URL is scoped to the district in its path; who may use which
one is documented in docs/permissions.md and tested in tests/test_permissions.py.
"""

from django.urls import path

from sozialplan.workspace.views import areas, dashboard, home, offerings, providers, review, sites, trail

app_name = "workspace"

_district = "<slug:district>/"

urlpatterns = [
    path("", home.home, name="home"),
    path("traeger/", home.provider_home, name="provider_home"),
    path("traeger/<uuid:uuid>/", home.provider_page, name="provider_page"),
    path(_district, dashboard.dashboard, name="dashboard"),
    path(_district + "karte.geojson", dashboard.map_data, name="map_data"),
    # Angebote
    path(_district + "angebote/", offerings.offering_list, name="offering_list"),
    path(_district + "angebote/neu/", offerings.offering_create, name="offering_create"),
    path(_district + "angebote/<uuid:uuid>/", offerings.offering_detail, name="offering_detail"),
    path(_district + "angebote/<uuid:uuid>/bearbeiten/", offerings.offering_edit, name="offering_edit"),
    path(_district + "angebote/<uuid:uuid>/einstellen/", offerings.offering_retire, name="offering_retire"),
    path(_district + "angebote/<uuid:uuid>/reaktivieren/", offerings.offering_reactivate, name="offering_reactivate"),
    path(_district + "angebote/<uuid:uuid>/geprueft/", offerings.offering_verify, name="offering_verify"),
    path(_district + "angebote/<uuid:uuid>/freigeben/", review.offering_approve, name="offering_approve"),
    path(_district + "angebote/<uuid:uuid>/ablehnen/", review.offering_reject, name="offering_reject"),
    # Träger
    path(_district + "traeger/", providers.provider_list, name="provider_list"),
    path(_district + "traeger/neu/", providers.provider_create, name="provider_create"),
    path(_district + "traeger/<uuid:uuid>/", providers.provider_edit, name="provider_edit"),
    path(_district + "traeger/<uuid:uuid>/ausscheiden/", providers.provider_retire, name="provider_retire"),
    path(_district + "traeger/<uuid:uuid>/reaktivieren/", providers.provider_reactivate, name="provider_reactivate"),
    # Standorte
    path(_district + "standorte/", sites.site_list, name="site_list"),
    path(_district + "standorte/neu/", sites.site_create, name="site_create"),
    path(_district + "standorte/<uuid:uuid>/", sites.site_edit, name="site_edit"),
    path(_district + "standorte/<uuid:uuid>/aufgeben/", sites.site_retire, name="site_retire"),
    path(_district + "standorte/<uuid:uuid>/reaktivieren/", sites.site_reactivate, name="site_reactivate"),
    # Freigaben
    path(_district + "freigaben/", review.review_queue, name="review_queue"),
    path(_district + "freigaben/<int:pk>/", review.change_detail, name="change_detail"),
    path(_district + "freigaben/<int:pk>/uebernehmen/", review.change_approve, name="change_approve"),
    path(_district + "freigaben/<int:pk>/ablehnen/", review.change_reject, name="change_reject"),
    path(
        _district + "freigaben/standorte/<int:pk>/uebernehmen/",
        review.site_change_approve,
        name="site_change_approve",
    ),
    path(_district + "freigaben/standorte/<int:pk>/ablehnen/", review.site_change_reject, name="site_change_reject"),
    # Planungsräume
    path(_district + "planungsraeume/", areas.area_list, name="area_list"),
    path(_district + "planungsraeume/neu/", areas.area_create, name="area_create"),
    path(_district + "planungsraeume/<int:pk>/", areas.area_edit, name="area_edit"),
    path(_district + "planungsraeume/<int:pk>/loeschen/", areas.area_delete, name="area_delete"),
    # Protokoll
    path(_district + "protokoll/", trail.audit_trail, name="audit_trail"),
]
