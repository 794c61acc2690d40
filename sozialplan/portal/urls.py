from django.urls import path

from sozialplan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("angebote/", views.offer_list, name="offer_list"),
    path("angebote/<uuid:uuid>/", views.offer_detail, name="offer_detail"),
    path("ueber/", views.about, name="about"),
    path("karte/gemeinden.geojson", views.gemeinden_geojson, name="gemeinden_geojson"),
    path("karte/angebote.geojson", views.offers_geojson, name="offers_geojson"),
]
