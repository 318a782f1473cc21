from django.urls import path

from directory.feeds import RecentPlacesAtomFeed, RecentPlacesFeed
from directory.views import coordination, manage, opendata, public, reports

app_name = "directory"

urlpatterns = [
    path("", public.home, name="home"),
    path("lieux/", public.results, name="results"),
    path("lieux/<int:pk>-<slug:slug>/", public.place_detail, name="place"),
    path("lieux/<int:pk>/", public.place_detail, name="place_short"),
    path("lieux/<int:pk>/signaler/", reports.report_error, name="report_error"),
    path("carte/", public.map_view, name="map"),
    path("lieux/export.csv", opendata.results_csv, name="results_csv"),
    path("lieux/export.ods", opendata.results_ods, name="results_ods"),
    path("lieux/flux.rss", RecentPlacesFeed(), name="feed_rss"),
    path("lieux/flux.atom", RecentPlacesAtomFeed(), name="feed_atom"),
    path("donnees/", opendata.open_data, name="data_notice"),
    path("donnees/<slug:slug>.<str:extension>", opendata.export, name="export"),
    path("widget/", opendata.widget, name="widget"),
    path("widget/integrer/", opendata.widget_builder, name="widget_builder"),
    path("espace/lieux/<int:pk>/modifier/", manage.edit_place, name="edit_place"),
    path("espace/lieux/<int:pk>/a-jour/", manage.confirm_place, name="confirm_place"),
    path("fiche-a-jour/<str:token>/", manage.confirm_by_link, name="confirm_by_link"),
    path("coordination/lieux/<int:pk>/historique/", manage.place_history, name="place_history"),
    path("coordination/modifications/<int:pk>/annuler/", manage.revert_change, name="revert_change"),
    path("coordination/qualite/", coordination.quality, name="quality"),
    path("coordination/lieux/nouveau/", coordination.new_place, name="new_place"),
    path("coordination/lieux/<int:pk>/fermer/", coordination.close_place, name="close_place"),
    path("coordination/signalements/", reports.report_queue, name="reports"),
    path("coordination/signalements/<int:pk>/", reports.moderate_report, name="moderate_report"),
]
