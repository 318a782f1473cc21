from django.contrib import admin
from django.urls import include, path

from aiguillage.views import health

admin.site.site_header = "aiguillage — administration"
admin.site.site_title = "aiguillage"
admin.site.index_title = "Coordination"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sante/", health, name="health"),
    path("api/v1/", include("api.urls")),
    path("", include("accounts.urls")),
    path("", include("demandes.urls")),
    path("", include("directory.urls")),
]
