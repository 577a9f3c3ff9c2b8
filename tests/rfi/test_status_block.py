"""``{% rfi_status company %}`` on the customer page: status, answers, and Resend."""

from django.template import Context, Template

from portal.companies.models import Company
from portal.rfi.services import rfi_save
from tests.fixtures.factories import make_company

TAG = Template("{% load rfi %}{% rfi_status company %}")


def block(company) -> str:
    company.refresh_from_db()
    return TAG.render(Context({"company": company, "csrf_token": "t0ken"}))


def test_a_customer_whose_form_was_not_sent_says_not_sent(customer):
    html = block(customer)

    assert "Not sent" in html
    assert "Resend</button>" in html


def test_a_sent_form_shows_when_and_to_whom(customer, sent, acme_admin):
    html = block(customer)

    assert "Sent</span>" in html
    assert f"Sent on {sent.sent_at:%Y-%m-%d %H:%M} to lena.lead@acme.test by {acme_admin}" in html
    assert "the link works until" in html
    assert "Submitted on" not in html


def test_a_submitted_form_shows_its_answers(customer, sent):
    rfi_save(
        rfi=sent, answers={"contact_name": "Tom Tech", "inbound_hosts": "a.example\n192.0.2.1"}
    )
    sent.refresh_from_db()

    html = block(customer)

    assert "Submitted</span>" in html
    assert f"Submitted on {sent.submitted_at:%Y-%m-%d %H:%M}" in html
    assert "<dt>Technical contact name</dt><dd>Tom Tech</dd>" in html
    assert "<dt>Inbound mail hosts / IPs</dt><dd>a.example<br>192.0.2.1</dd>" in html


def test_resend_posts_with_the_csrf_token_while_in_progress(customer, sent):
    html = block(customer)

    assert f'action="/rfi/customers/{customer.pk}/resend/"' in html
    assert 'name="csrfmiddlewaretoken" value="t0ken"' in html
    assert "E-mails Lena Lead (lena.lead@acme.test) a new link" in html


def test_no_resend_once_the_vendor_confirmed(customer, sent):
    Company.objects.filter(pk=customer.pk).update(status=Company.Status.COMPLETE)

    html = block(customer)

    assert "Resend" not in html
    assert "The vendor has confirmed the order" in html


def test_resend_without_a_lead_is_disabled_and_says_why(acme):
    customer = make_company(acme, "Contoso", status=Company.Status.IN_PROGRESS)

    html = block(customer)

    assert '<button type="button" disabled' in html
    assert "Resend is possible once this customer has an active implementation lead" in html


def test_a_prospect_has_no_block(acme, lead):
    prospect = make_company(acme, "Contoso", implementation_lead=lead)

    assert block(prospect).strip() == ""
