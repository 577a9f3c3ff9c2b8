"""The order form filled in, and posted as Acme's admin (the catalog and the prospect are in
tests/fixtures/catalog.py)."""

import uuid

import pytest
from django.urls import reverse

from portal.orders.models import Question


@pytest.fixture(autouse=True)
def _infrastructure(infrastructure_choices):
    pass


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
