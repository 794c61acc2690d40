from django.urls import path

from sozialplan.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("traeger/", views.provider_home, name="provider_home"),
    path("<slug:district>/", views.dashboard, name="dashboard"),
]
