from django.urls import path

from observatory.views import coverage, dashboards, exports, public, report, whatif

app_name = "observatory"

urlpatterns = [
    path("", public.summary, name="summary"),
    path("demandes/", dashboards.requests_dashboard, name="requests"),
    path("couverture/", coverage.coverage, name="coverage"),
    path("non-couverts/", dashboards.unmet, name="unmet"),
    path("simulation/", whatif.whatif, name="whatif"),
    path("rapport/", report.report, name="report"),
    path("rapport.odt", report.report_odt_view, name="report_odt"),
    path("export/<slug:slug>.<str:extension>", exports.export, name="export"),
]
