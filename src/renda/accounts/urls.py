from django.urls import path

from renda.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("security/", views.security_view, name="security"),
    path("security/unlock/", views.security_unlock_view, name="security_unlock"),
    path("security/second-factor/<int:user_id>/reset/", views.security_second_factor_reset_view,
         name="security_second_factor_reset"),
]
