from django.contrib.auth import views as auth_views
from django.urls import path

from sozialplan.accounts.forms import ThrottledAuthenticationForm

app_name = "accounts"
urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
]
