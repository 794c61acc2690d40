from django.urls import path

from sozialplan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("angebote/", views.offer_list, name="offer_list"),
    path("angebote/<uuid:uuid>/", views.offer_detail, name="offer_detail"),
    path("ueber/", views.about, name="about"),
]
