"""The Domain field of the prospect form takes two columns of the form, so that a long domain
shows whole (tests/browser/test_every_page.py measures it)."""

from django.urls import reverse

from tests.fixtures.factories import make_company


def test_the_domain_field_is_wide_on_create_and_edit(client, acme, acme_admin):
    company = make_company(acme, "Contoso Pharmaceuticals")
    client.force_login(acme_admin)

    for url in (reverse("prospects:create"), reverse("prospects:edit", args=[company.pk])):
        html = client.get(url).content.decode()
        field = html.split('<label for="id_domain">', 1)[0].rsplit("<div", 1)[1]
        assert field.startswith(' class="field field-wide'), url
