"""{% url %} keeps the links that take no argument: same output as Django's tag, in every form it is written."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Template, TemplateSyntaxError, engines
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from aiguillage.templatetags import urls


def alone(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns = [path("essai/", alone, name="essai-seul")]


def render(text: str, **context: object) -> str:
    return engines["django"].from_string(text).render(context)


def test_the_site_templates_get_the_kept_tag_without_loading_it():
    template = engines["django"].from_string("{% url 'demandes:new' %}")
    assert isinstance(template.template.nodelist[0], urls.KeptURLNode)


def test_a_link_without_argument_is_worked_out_once_and_equals_reverse():
    urls._reversed.cache_clear()
    first = render("{% url 'demandes:new' %} {% url 'demandes:new' %}")
    assert first == f"{reverse('demandes:new')} {reverse('demandes:new')}"
    info = urls._reversed.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_links_with_arguments_as_var_and_from_a_variable_read_as_with_django():
    assert render("{% url 'demandes:track' reference='58-2026-00001' key='abc' %}") == reverse(
        "demandes:track", kwargs={"reference": "58-2026-00001", "key": "abc"}
    )
    assert render("{% url name %}", name="demandes:new") == reverse("demandes:new")
    assert render("{% url 'demandes:new' as link %}[{{ link }}]") == f"[{reverse('demandes:new')}]"
    # A name that does not exist: an error as before, or nothing with `as`.
    assert render("{% url 'nulle-part' as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nulle-part' %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_the_script_prefix_and_the_url_configuration_are_part_of_the_key():
    plain = render("{% url 'demandes:new' %}")
    set_script_prefix("/sous-dossier/")
    try:
        assert render("{% url 'demandes:new' %}") == "/sous-dossier" + plain
    finally:
        set_script_prefix("/")
    assert render("{% url 'demandes:new' %}") == plain
    # Another URL configuration (this module's): its names, and the site's again once it is put back.
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% url 'essai-seul' %}") == "/essai/"
        with pytest.raises(NoReverseMatch):
            render("{% url 'demandes:new' %}")
    assert render("{% url 'demandes:new' %}") == plain
