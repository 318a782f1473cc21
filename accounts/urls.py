from django.urls import path

from accounts import proconnect, views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.login_code, name="login_code"),
    path("connexion/proconnect/", proconnect.StartView.as_view(), name="proconnect"),
    path("connexion/proconnect/retour/", proconnect.CallbackView.as_view(), name="proconnect_callback"),
    path("espace/double-authentification/", views.two_factor_setup, name="two_factor"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/change/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("espace/", views.home, name="home"),
    path("invitations/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
