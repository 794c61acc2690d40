from django.urls import path

from sozialplan.opendata import views

app_name = "opendata"
urlpatterns = [
    path("offene-daten/", views.index, name="index"),
]
