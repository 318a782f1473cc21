from django.urls import path

from funding.views import alerts, manage, public

app_name = "funding"

urlpatterns = [
    path("financements/", public.search_page, name="search"),
    path("financements/export.csv", public.results_csv, name="results_csv"),
    path("financements/export.ods", public.results_ods, name="results_ods"),
    path("financements/<int:pk>-<slug:slug>/", public.scheme_detail, name="scheme"),
    path("financements/<int:pk>/", public.scheme_detail, name="scheme_short"),
    path("financements/<int:pk>-<slug:slug>/calendrier.ics", public.scheme_calendar, name="scheme_calendar"),
    path("financements/alertes/nouvelle/", alerts.new_alert, name="new_alert"),
    path("financements/alertes/envoyee/", alerts.alert_sent, name="alert_sent"),
    path("financements/alertes/confirmer/<str:signed>/", alerts.confirm_alert, name="confirm_alert"),
    path("financements/alertes/<str:token>/", alerts.manage_alert, name="alert"),
    path("financements/alertes/<str:token>/desabonner/", alerts.unsubscribe, name="unsubscribe"),
    path("financements/alertes/<str:token>/calendrier.ics", alerts.alert_calendar, name="alert_calendar"),
    path("financements/gestion/", manage.scheme_list, name="manage"),
    path("financements/gestion/nouveau/", manage.edit_scheme, name="new_scheme"),
    path("financements/gestion/<int:pk>/modifier/", manage.edit_scheme, name="edit_scheme"),
    path("financements/gestion/<int:pk>/publier/", manage.publish, name="publish"),
    path("financements/gestion/<int:pk>/clore/", manage.close, name="close"),
    path("financements/gestion/<int:pk>/brouillon/", manage.unpublish, name="unpublish"),
    path("financements/gestion/<int:pk>/historique/", manage.history, name="history"),
]
