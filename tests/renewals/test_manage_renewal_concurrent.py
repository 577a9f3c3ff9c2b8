"""Two requests schedule changes for the same renewal at the same moment (a double submit, two
users): the company's row lock makes them run one after the other, so the second sees the
first — one change of a kind, not two, and no error."""

import datetime
import threading

import pytest
from django.db import connection, connections

from portal.companies.models import AgreementLine
from portal.renewals.models import RenewalChange
from portal.renewals.services import renewal_change_schedule
from tests.fixtures.customers import make_customer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two real connections"
)


def at_once(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 — the test says which
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seats", [(200, 200), (200, 250)])
def test_two_requests_at_once_leave_one_scheduled_change(acme, acme_admin, price_list, seats):
    company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    end = datetime.date.today() + datetime.timedelta(days=60)
    AgreementLine.objects.filter(agreement__company=company).update(commitment="1y", term_end=end)

    outcomes = at_once(
        *(
            lambda n=n: renewal_change_schedule(
                company=company, code="S1", kind="seats", seats=n, actor=acme_admin
            )
            for n in seats
        )
    )

    assert all(isinstance(outcome, RenewalChange) for outcome in outcomes), outcomes
    scheduled = RenewalChange.objects.filter(status="scheduled")
    assert scheduled.count() == 1
    assert RenewalChange.objects.count() == len(set(seats))
