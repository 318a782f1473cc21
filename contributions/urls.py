from django.urls import path

from contributions.views import claim, moderation, proposal

app_name = "contributions"

urlpatterns = [
    path("lieux/ajouter/", proposal.step, name="propose"),
    path("lieux/ajouter/envoye/", proposal.sent, name="proposal_sent"),
    path("lieux/ajouter/confirmer/<str:token>/", proposal.confirm, name="confirm_proposal"),
    path("lieux/ajouter/<slug:slug>/", proposal.step, name="propose_step"),
    path("lieux/<int:pk>/c-est-mon-lieu/", claim.claim, name="claim"),
    path("lieux/mon-lieu/confirmer/<str:token>/", claim.confirm, name="confirm_claim"),
    path("lieux/mon-lieu/opposition/<str:token>/", claim.object_to, name="object_claim"),
    path("coordination/contributions/", moderation.queue, name="queue"),
    path("coordination/contributions/lieux/<int:pk>/", moderation.proposal, name="proposal"),
    path("coordination/contributions/lieux/<int:pk>/accepter/", moderation.accept, name="accept"),
    path("coordination/contributions/lieux/<int:pk>/corriger/", moderation.edit_then_accept, name="edit"),
    path("coordination/contributions/lieux/<int:pk>/fusionner/", moderation.merge, name="merge"),
    path("coordination/contributions/lieux/<int:pk>/refuser/", moderation.refuse, name="refuse"),
    path("coordination/contributions/gestion/<int:pk>/", moderation.decide_claim, name="decide_claim"),
]
