from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    from directory.importers.licences import footer_credits
    from legal.pages import help_line

    return {
        "SITE_NAME": settings.SITE_NAME,
        "TERRITORY_NAME": settings.TERRITORY_NAME,
        "ACCESSIBILITY_STATUS": settings.ACCESSIBILITY_STATUS,
        # The credits and licences of the data's sources, from directory/data/sources.json.
        "DATA_CREDITS": footer_credits(),
        # The number to call for people who cannot use the site (legal.pages: coordinators edit it).
        "HELP_LINE": help_line(),
    }
