import pytest
from django.urls import reverse

from tests.fixtures.factories import make_company


@pytest.fixture
def verify(client, acme_sales):
    client.force_login(acme_sales)

    def post(domain, **extra):
        response = client.post(
            reverse("prospects:verify"), {"domain": domain, **extra}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        return response.content.decode()

    return post


def test_verify_finds_the_mail_server(verify, dns_server):
    html = verify("Mail.Example")

    assert "mail.example exists (MX 10 mx1.mail.example.)" in html
    assert "No other prospect or customer holds mail.example" in html


def test_verify_falls_back_to_an_address_record(verify, dns_server):
    assert "web.example exists (A 192.0.2.10)" in verify("web.example")


def test_verify_reports_a_domain_dns_does_not_know(verify, dns_server):
    assert "no mail server or address found for nowhere.example" in verify("nowhere.example")


def test_unreachable_dns_is_could_not_check_not_invalid(verify, dns_down):
    html = verify("mail.example")

    assert "could not check mail.example" in html
    assert "error" not in html


def test_verify_rejects_bad_syntax_without_asking_dns(verify, dns_down):
    assert "Use only letters, digits and hyphens" in verify("bad_domain.example")
    assert "at least two parts" in verify("localhost")


def test_channel_conflict_is_told_without_naming_the_other_msp(verify, dns_server, globex):
    make_company(globex, "Hooli Analytics", domain="mail.example")

    html = verify("https://www.mail.example/")

    assert "Channel conflict" in html
    assert "Globex" not in html and "Hooli" not in html


def test_own_company_holding_the_domain_is_named(verify, dns_server, acme):
    make_company(acme, "Northwind Traders", domain="mail.example")

    assert "Northwind Traders" in verify("mail.example")


def test_another_msps_company_id_cannot_be_excluded_to_find_who_holds_a_domain(
    verify, dns_server, globex
):
    hooli = make_company(globex, "Hooli Analytics", domain="mail.example")

    assert "Channel conflict" in verify("mail.example", company=str(hooli.pk))


def test_the_prospect_being_edited_does_not_conflict_with_itself(verify, dns_server, acme):
    company = make_company(acme, "Northwind Traders", domain="mail.example")

    html = verify("mail.example", company=str(company.pk))

    assert "No other prospect or customer holds mail.example" in html


def test_verify_is_for_signed_in_msp_users_only(client, dns_down):
    response = client.post(reverse("prospects:verify"), {"domain": "mail.example"})

    assert response.status_code == 302
