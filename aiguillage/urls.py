from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "aiguillage — administration"
admin.site.site_title = "aiguillage"
admin.site.index_title = "Coordination"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("directory.urls")),
]
