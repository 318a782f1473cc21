from django.urls import path

from demandes.views import coordination, mediation, places, public

app_name = "demandes"

urlpatterns = [
    path("demande/", public.new_request, name="new"),
    path("suivi/lien-perdu/", public.lost_link, name="lost_link"),
    path("suivi/<str:reference>/<str:key>/", public.track, name="track"),
    path("suivi/<str:reference>/<str:key>/precision/", public.track_add_detail, name="track_add_detail"),
    path("suivi/<str:reference>/<str:key>/annuler/", public.track_cancel, name="track_cancel"),
    path("orientation/<str:token>/", places.answer_with_link, name="answer"),
    path("espace/orientations/", places.my_orientations, name="my_orientations"),
    path("espace/orientations/<int:pk>/", places.answer_with_account, name="answer_with_account"),
    path("mediation/demandes/", mediation.my_requests, name="mediator_list"),
    path("mediation/demandes/nouvelle/", mediation.new_request, name="mediator_new"),
    path("mediation/demandes/<str:reference>/", mediation.mediator_detail, name="mediator_detail"),
    path("coordination/demandes/", coordination.queue, name="queue"),
    path("coordination/demandes/<str:reference>/", coordination.detail, name="detail"),
    path("coordination/demandes/<str:reference>/besoins/", coordination.set_needs, name="set_needs"),
    path("coordination/demandes/<str:reference>/orienter/", coordination.orient, name="orient"),
    path(
        "coordination/demandes/<str:reference>/orientations/<int:pk>/telephone/",
        coordination.mark_phoned,
        name="mark_phoned",
    ),
    path("coordination/demandes/<str:reference>/note/", coordination.add_note, name="add_note"),
    path("coordination/demandes/<str:reference>/suivi/", coordination.assign, name="assign"),
    path("coordination/demandes/<str:reference>/cloturer/", coordination.close, name="close"),
    path("coordination/demandes/<str:reference>/nouveau-lien/", coordination.new_link, name="new_link"),
    path("coordination/donnees-personnelles/", coordination.search_person, name="person"),
    path("coordination/donnees-personnelles/export/", coordination.export_person, name="export_person"),
    path("coordination/donnees-personnelles/effacer/", coordination.erase_person, name="erase_person"),
]
