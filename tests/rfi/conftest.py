import pytest

from portal.companies.models import Company
from portal.rfi.services import rfi_send
from tests.fixtures.factories import make_company, make_user

from .helpers import last_link


@pytest.fixture
def lead(acme):
    return make_user(acme, email="lena.lead@acme.test", full_name="Lena Lead", lead=True)


@pytest.fixture
def customer(acme, lead):
    """A customer in progress: its order has just been submitted."""
    return make_company(
        acme,
        "Northwind Traders",
        domain="northwind.example",
        status=Company.Status.IN_PROGRESS,
        implementation_lead=lead,
    )


@pytest.fixture
def sent(customer, acme_admin):
    """The form as the order submit sends it."""
    return rfi_send(company=customer, actor=acme_admin)


@pytest.fixture
def form_path(sent) -> str:
    return last_link()
