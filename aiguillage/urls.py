from django.contrib import admin
from django.urls import include, path

from accounts.two_factor import verified_or_exempt
from accounts.views import admin_login
from aiguillage.views import health, outbox_retry, outbox_view

admin.site.site_header = "aiguillage — administration"
admin.site.site_title = "aiguillage"
admin.site.index_title = "Coordination"
# One login for the whole site: the administration sends people to /connexion/, which is throttled.
admin.site.login = admin_login
_has_permission = admin.site.has_permission
# The administration also needs the second factor, when the person has one or must.
admin.site.has_permission = lambda request: _has_permission(request) and verified_or_exempt(request.user)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sante/", health, name="health"),
    path("coordination/courriels/", outbox_view, name="outbox"),
    path("coordination/courriels/<int:pk>/renvoyer/", outbox_retry, name="outbox_retry"),
    path("api/v1/", include("api.urls")),
    path("", include("legal.urls")),
    path("", include("accounts.urls")),
    path("", include("demandes.urls")),
    path("", include("funding.urls")),
    path("", include("library.urls")),
    path("", include("contributions.urls")),
    path("", include("directory.urls")),
    path("", include("roadmap.urls")),
    path("observatoire/", include("observatory.urls")),
]

# The error pages, in French and in the site's layout (aiguillage/errors.py).
handler400 = "aiguillage.errors.bad_request"
handler403 = "aiguillage.errors.permission_denied"
handler404 = "aiguillage.errors.page_not_found"
handler500 = "aiguillage.errors.server_error"
