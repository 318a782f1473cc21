"""The demo catalogue: the schemes the minutes point to, with sources, marked to be checked, loaded once."""

import pytest
from django.http import QueryDict

from funding import catalogue
from funding.demo import load_funding_demo
from funding.models import Scheme, SchemeChange
from funding.search import bound_form, run
from tests.funding.factories import LUZY

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_loads_marked_to_check_with_sources_and_loads_again_without_change():
    report = load_funding_demo()

    assert report.ok, report.errors
    schemes = list(Scheme.objects.all())
    assert report.created == len(schemes) >= 12
    assert all(
        scheme.needs_check and scheme.checked_on and scheme.source_url.startswith("https://") for scheme in schemes
    )
    titles = " ".join(scheme.title for scheme in schemes)
    for name in (
        "France Numérique Ensemble",
        "Conseillers numériques",
        "FEDER",
        "LEADER",
        "tiers-lieux",
        "fablabs",
        "Banque des Territoires",
        "CCI",
        "artisans",
    ):
        assert name in titles, name
    local = Scheme.objects.get(source_id="cnfs-58")
    assert local.parent.source_id == "cnfs"
    changes = SchemeChange.objects.count()

    again = load_funding_demo()

    assert (again.created, again.updated) == (0, 0) and SchemeChange.objects.count() == changes


def test_a_fablab_in_luzy_finds_the_departemental_regional_and_national_support():
    load_funding_demo()
    snapshot = catalogue.current()
    form = bound_form(QueryDict(f"commune={LUZY}&beneficiaire=fablab&depense=equipment"), snapshot)
    assert form.is_valid()

    titles = [card.title for _, card in run(form, snapshot).results]

    assert titles[0].startswith("Département de la Nièvre : équiper les fablabs")
    assert any(title.startswith("Région Bourgogne-Franche-Comté : soutien aux tiers-lieux") for title in titles)


def test_a_national_scheme_declined_locally_shows_both(client):
    load_funding_demo()
    national = Scheme.objects.get(source_id="cnfs")
    local = Scheme.objects.get(source_id="cnfs-58")

    assert "Ce dispositif est décliné localement" in client.get(national.get_absolute_url()).content.decode()
    page = client.get(local.get_absolute_url()).content.decode()
    assert f'Déclinaison locale du dispositif national <a href="{national.get_absolute_url()}">' in page
