"""A catalog like the demo's, a prospect of Acme's, and the order form filled in."""

import uuid

import pytest
from django.urls import reverse

from portal.catalog.models import Product
from portal.companies.models import Company, CompanyProduct
from portal.core.testing import make_company, make_product, set_prices
from portal.orders.models import Question


@pytest.fixture(autouse=True)
def _infrastructure(infrastructure_choices):
    pass


@pytest.fixture
def catalog(acme):
    s1 = make_product("S1", name="Email Security Cloud Gateway", position=10)
    s2 = make_product("S2", name="Email Security Integrated Suite", position=20)
    c1 = make_product("C1", name="Continuity", position=30)
    a1 = make_product("A1", name="Mac Client", kind="addon", needs_own_seats=True, position=40)
    a3 = make_product("A3", name="Archive 10-Year", kind="addon", term="annual", position=60)
    ob1 = make_product(
        "OB1", name="Onboarding", kind="addon", charge="flat", term="one_time", position=70
    )
    s2.upgrades.add(s1)
    for product in (c1, a1):
        product.addable_to.add(s1, s2)
    set_prices(acme, s1, [(1, "3.50"), (250, "3.20"), (500, "2.95"), (1000, "2.70")])
    set_prices(acme, s2, [(1, "5.20"), (250, "4.90"), (500, "4.60")])
    set_prices(acme, c1, [(1, "1.25"), (250, "1.10")])
    set_prices(acme, a1, [(1, "0.90")])
    set_prices(acme, a3, [(1, "10.00")])
    set_prices(acme, ob1, [(1, "500.00")])
    return {p.code: p for p in Product.objects.all()}


@pytest.fixture
def prospect(acme, acme_admin, catalog) -> Company:
    company = make_company(
        acme,
        "Contoso Pharmaceuticals",
        domain="contoso.example",
        sector=Company.Sector.HEALTHCARE,
        implementation_lead=acme_admin,
        lead_name=str(acme_admin),
        permitted_users=682,
    )
    CompanyProduct.objects.create(company=company, product=catalog["S1"])
    return company


def complete_order(**changes) -> dict:
    """The order form as a user fills it in completely: S1 for 682 users, every answer given."""
    data = {
        "permitted_users": "682",
        "product_S1": "on",
        "order_number": "PO-1001",
        "accept_msa": "on",
        "accept_authority": "on",
        "idempotency_key": str(uuid.uuid4()),
        "submit": "1",
        **{question: "Not Known" for question in Question.values},
        Question.MAIL_SERVER: "Microsoft 365 / Exchange Online",
        Question.SERVER_OS: "Windows Server",
        Question.SERVER_OS_EDITION: "2022 Standard",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def order_url(prospect):
    return reverse("orders:review", args=[prospect.pk])


@pytest.fixture
def submit(client, acme_admin, prospect, order_url):
    """Post the order form as Acme's admin (the prospect's lead) and follow the redirect."""
    client.force_login(acme_admin)

    def to(company):
        def post(**changes):
            data = complete_order(**{"implementation_lead": str(acme_admin.pk), **changes})
            url = reverse("orders:review", args=[company.pk])
            return client.post(url, data, follow=True)

        return post

    post = to(prospect)
    post.to = to
    return post
