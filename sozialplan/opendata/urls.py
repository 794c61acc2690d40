from django.urls import path

from sozialplan.opendata import api, views

app_name = "opendata"
urlpatterns = [
    path("offene-daten/", views.index, name="index"),
    path("offene-daten/angebote.csv", views.offers_csv, name="offers_csv"),
    path("offene-daten/angebote.geojson", views.offers_geojson, name="offers_geojson"),
    path("offene-daten/hsds.json", views.hsds_json, name="hsds_json"),
    # HSDS 3.0 API: paths as in data/hsds/schema/openapi.json (no trailing slash).
    path("api/hsds/", api.root, name="api_root"),
    path("api/hsds/openapi.json", api.openapi_document, name="api_openapi"),
    path("api/hsds/profile/", api.profile, name="api_profile"),
    path("api/hsds/services", api.services, name="api_services"),
    path("api/hsds/services/<str:id>", api.service_detail, name="api_service"),
    path("api/hsds/service_at_locations", api.service_at_locations, name="api_service_at_locations"),
    path("api/hsds/service_at_locations/<str:id>", api.service_at_location_detail, name="api_service_at_location"),
    path("api/hsds/organizations", api.organizations, name="api_organizations"),
    path("api/hsds/organizations/<str:id>", api.organization_detail, name="api_organization"),
    path("api/hsds/taxonomies", api.taxonomies, name="api_taxonomies"),
    path("api/hsds/taxonomies/<str:id>", api.taxonomy_detail, name="api_taxonomy"),
    path("api/hsds/taxonomy_terms", api.taxonomy_terms, name="api_taxonomy_terms"),
    path("api/hsds/taxonomy_terms/<str:id>", api.taxonomy_term_detail, name="api_taxonomy_term"),
]
