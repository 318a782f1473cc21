from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("feuille-de-route/", views.index, name="index"),
    path("feuille-de-route/<slug:slug>/", views.roadmap_page, name="roadmap"),
    path("feuille-de-route/<slug:slug>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("feuille-de-route/<slug:slug>/imprimer/", views.print_view, name="print"),
    path("feuille-de-route/<slug:slug>/feuille-de-route.odt", views.roadmap_odt, name="roadmap_odt"),
    path("feuille-de-route/<slug:slug>/indicateurs.<str:extension>", views.indicators_export, name="indicators"),
    path("feuille-de-route/<slug:slug>/comites/<int:pk>/", views.committee_page, name="committee"),
    path("feuille-de-route/<slug:slug>/<str:code>/", views.sheet_page, name="sheet"),
    path("feuille-de-route/<slug:slug>/<str:code>/fiche.odt", views.sheet_odt, name="sheet_odt"),
    path("feuille-de-route/<slug:slug>/<str:code>/commenter/", views.add_comment, name="comment"),
    path("feuille-de-route/<slug:slug>/<str:code>/proposer/", views.propose_change, name="propose"),
    path("feuille-de-route/<slug:slug>/<str:code>/modifier/", views.edit, name="edit"),
    path("feuille-de-route/<slug:slug>/<str:code>/etat/", views.change_status, name="status"),
    path("feuille-de-route/<slug:slug>/<str:code>/versions/", views.versions, name="versions"),
    path("feuille-de-route/<slug:slug>/<str:code>/propositions/<int:pk>/", views.decide, name="decide"),
    path("feuille-de-route/<slug:slug>/<str:code>/indicateurs/<int:pk>/mesure/", views.add_measurement, name="measure"),
    path("feuille-de-route/<slug:slug>/<str:code>/completer/", views.content, name="content"),
    path("feuille-de-route/<slug:slug>/<str:code>/completer/liens/", views.link, name="link"),
    path(
        "feuille-de-route/<slug:slug>/<str:code>/completer/financement-propose/",
        views.add_suggested_funding,
        name="add_suggested_funding",
    ),
    path("feuille-de-route/<slug:slug>/<str:code>/completer/<str:kind>/", views.add_content, name="add_content"),
    path(
        "feuille-de-route/<slug:slug>/<str:code>/completer/<str:kind>/<int:pk>/",
        views.edit_content,
        name="edit_content",
    ),
    path(
        "feuille-de-route/<slug:slug>/<str:code>/completer/<str:kind>/<int:pk>/retirer/",
        views.remove_content,
        name="remove_content",
    ),
]
