"""``/api/indikatoren/``: the public indicator API (see :mod:`sozialplan.indicators.api`)."""

from django.urls import URLPattern, URLResolver, path

from sozialplan.indicators import api

app_name = "indicators_api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.catalogue, name="catalogue"),
    path("<slug:code>/", api.indicator, name="indicator"),
]
