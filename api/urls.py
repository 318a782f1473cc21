from django.urls import path

from api import views
from api.v1 import api

# ninja reverses its own URLs (the OpenAPI document) in the namespace it was given.
app_name = api.urls_namespace
urlpatterns = [
    # The reference as a page of the site (accessible, without JavaScript); Swagger UI stays at docs.
    path("documentation/", views.reference, name="reference"),
    *api.urls[0],
]
