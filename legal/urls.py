from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("coordination/pages/<slug:slug>/", views.edit, name="edit"),
    path("coordination/ligne-d-aide/", views.edit_help_line, name="help_line"),
    path("mentions-legales/", views.page, {"slug": "mentions-legales"}, name="legal_notice"),
    path("donnees-personnelles/", views.page, {"slug": "donnees-personnelles"}, name="privacy"),
    path("accessibilite/", views.page, {"slug": "accessibilite"}, name="accessibility"),
]
