import html

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from observatory.privacy import HIDDEN, MASKED, share, show, show_partition
from tests.accounts.factories import make_user
from tests.observatory.factories import at, winter_of_requests

PERIOD = {"du": "2026-01", "au": "2026-03"}


def test_counts_of_one_to_four_are_hidden_from_those_who_must_not_see_them():
    assert [show(count, exact=False) for count in (0, 1, 4, 5, 12)] == [0, HIDDEN, HIDDEN, 5, 12]
    assert [show(count, exact=True) for count in (0, 1, 4)] == [0, 1, 4]
    assert HIDDEN == "< 5"


def test_a_lone_hidden_count_in_a_partition_takes_another_with_it():
    # 12 = 3 + 9 would give the 3 back: the 9 is masked too.
    assert show_partition([3, 9, 0], exact=False) == [HIDDEN, MASKED, 0]
    assert show_partition([3, 2, 9], exact=False) == [HIDDEN, HIDDEN, 9]
    assert show_partition([7, 9, 30], exact=False) == [7, 9, 30]
    assert show_partition([3, 0], exact=False) == [HIDDEN, 0]
    assert show_partition([3, 9], exact=True) == [3, 9]


def test_a_share_is_left_out_when_one_of_its_counts_is_hidden():
    assert share(3, 40, exact=False) is None
    assert share(10, 40, exact=False) == 25.0
    assert share(3, 40, exact=True) == 7.5
    assert share(0, 0, exact=True) is None


@pytest.fixture
def winter(db):
    requests = winter_of_requests()
    with time_machine.travel(at(2026, 4, 1), tick=False):
        yield requests


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_partners_read_small_counts_as_less_than_five_and_coordinators_exactly(client, winter):
    partner = make_user("partenaire@example.org", role=Role.PARTNER)
    client.force_login(partner)
    response = client.get(reverse("observatory:requests"), PERIOD)
    assert response.status_code == 200
    needs = response.context["page"].sections["besoins"].table
    printing = next(row for row in needs.rows if row[0] == "Impression 3D")
    assert printing[1] == HIDDEN
    months = response.context["page"].sections["mois"].table.rows
    assert [row[1] for row in months] == [HIDDEN, HIDDEN, HIDDEN]
    assert response.context["page"].extra["total"] == HIDDEN
    assert "Les nombres de 1 à 4 demandes sont affichés « < 5 »" in page_text(response)

    client.force_login(winter["A"].orientations.first().sent_by)  # the coordinator
    response = client.get(reverse("observatory:requests"), PERIOD)
    months = response.context["page"].sections["mois"].table.rows
    assert [row[1] for row in months] == [2, 1, 1]
    assert response.context["page"].extra["total"] == 4


def test_the_downloaded_table_hides_what_the_page_hides(client, winter):
    client.force_login(make_user("partenaire@example.org", role=Role.PARTNER))
    response = client.get(reverse("observatory:export", kwargs={"slug": "mois", "extension": "csv"}), PERIOD)
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[:4] == ["Mois;Demandes", "janvier 2026;< 5", "février 2026;< 5", "mars 2026;< 5"]


def test_no_request_text_nor_reference_leaves_the_coordinators_pages(client, winter):
    descriptions = [request.description for request in winter.values()]
    references = [request.reference for request in winter.values()]
    urls = [
        reverse("observatory:requests"),
        reverse("observatory:unmet"),
        reverse("observatory:report"),
        reverse("observatory:export", kwargs={"slug": "non-couverts-communes", "extension": "csv"}),
        reverse("observatory:export", kwargs={"slug": "besoins-non-couverts", "extension": "csv"}),
        reverse("observatory:report_odt"),
    ]
    partner = make_user("partenaire@example.org", role=Role.PARTNER)
    coordinator = winter["A"].orientations.first().sent_by
    for user in (partner, coordinator):
        client.force_login(user)
        for url in urls:
            response = client.get(url, PERIOD)
            assert response.status_code == 200, url
            body = response.content.decode("utf-8", errors="replace")
            assert not any(text in body for text in descriptions), url
            if user == partner:
                assert not any(reference in body for reference in references), url
