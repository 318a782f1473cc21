"""The API's reference is a page of the site built from the OpenAPI document, linked from the open-data page."""

import html

from django.urls import reverse

from api.v1 import api


def test_the_reference_lists_every_operation_parameter_and_schema_of_the_openapi_document(client, db):
    response = client.get(reverse("api-v1:reference"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    document = api.get_openapi_schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f"<code>{method.upper()} {path}</code>" in page
            assert operation["summary"] in page
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in page
            for status in operation["responses"]:
                assert f"<strong>{status}</strong>" in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "Demande un jeton d'API" in page  # POST /requests
    assert reverse("api-v1:openapi-json") in page and reverse("api-v1:openapi-view") in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_descriptions_are_escaped_and_their_code_shown_as_code():
    from api.reference import blocks, inline

    assert str(inline("`<b>` et <i>")) == "<code>&lt;b&gt;</code> et &lt;i&gt;"
    assert (
        str(blocks("Intro.\n\n- un `a`\n  suite\n- deux"))
        == "<p>Intro.</p><ul><li>un <code>a</code> suite</li><li>deux</li></ul>"
    )


def test_the_open_data_page_links_the_documentation(client, db):
    page = client.get(reverse("directory:data_notice")).content.decode()
    assert f'href="{reverse("api-v1:reference")}"' in page


def test_the_reference_is_read_only(client, db):
    assert client.post(reverse("api-v1:reference")).status_code == 405
