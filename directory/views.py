from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("aiguillage")


results = place_detail = map_view = data_notice = home
