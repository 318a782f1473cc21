from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/", views.results, name="results"),
    path("lieux/<int:pk>-<slug:slug>/", views.place_detail, name="place"),
    path("lieux/<int:pk>/", views.place_detail, name="place_short"),
    path("carte/", views.map_view, name="map"),
    path("donnees/", views.data_notice, name="data_notice"),
]
