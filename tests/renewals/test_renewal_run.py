"""The renewal run: on its end date a term renews at the scheduled seats and the prices then in
force, as a new agreement version with its history entry, provisioning request and webhook;
auto-renew off ends a line, and a customer with nothing left becomes a Former customer; a
monthly term renewing unchanged rolls on in place. Exactly once, however often and in however
many processes it runs. The clock is moved with time_machine.

The seeds' customers on annual commitments (the demo's): Tailspin Toys (S1, 120 seats),
Adventure Works Cycles (S1 and A3, 430 seats) and Litware Inc (S2, 260 seats), their 1-year
terms ending on 30 June 2027; Acme's S1 prices go up from 1 June 2027.
"""

import datetime
import logging
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.catalog.models import ContractedPrice
from portal.companies.lifecycle import agreement_reject
from portal.companies.models import Agreement, AgreementLine, Company
from portal.companies.services import agreement_create
from portal.companies.terms import LineTerm
from portal.core import events
from portal.core.history import history_for
from portal.core.outbox.models import OutgoingMessage
from portal.renewals.models import RenewalChange
from portal.renewals.run import renewals_run
from portal.renewals.tasks import renew_due_terms
from portal.sync.confirm import settle
from portal.sync.models import ProvisioningRequest
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.companies.test_versions_take_effect import workers_race
from tests.fixtures.clock import made_on
from tests.fixtures.customers import make_customer
from tests.fixtures.factories import make_user

from .conftest import RENEWS, STARTED, on_term, seed_customer

UTC = datetime.UTC
EVE = datetime.datetime(2027, 6, 29, 23, 45, tzinfo=UTC)
# The run's first quarter hour on the date.
DUE = datetime.datetime(2027, 6, 30, 0, 15, tzinfo=UTC)
NEXT_TERM = datetime.date(2028, 6, 30)
_clock = made_on(datetime.datetime(2027, 5, 15, 12, tzinfo=UTC))
Status = Agreement.Status


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def statuses(company) -> dict[int, str]:
    return dict(company.agreements.values_list("version", "status"))


def lines_of(company, version: int) -> dict[str, tuple]:
    rows = AgreementLine.objects.filter(agreement__company=company, agreement__version=version)
    return {
        line.code: (line.quantity, line.unit_price, line.payment, line.term_start, line.term_end)
        for line in rows
    }


def renewal_entries(company) -> list:
    return [e for e in history_for(company) if e.summary.startswith("Renewal on")]


def schedule(company, code: str, kind: str, **fields) -> RenewalChange:
    line = company.agreements.get(status=Status.ACTIVE).lines.get(code=code)
    return RenewalChange.objects.create(
        company=company, product=line.product, code=code, renews_on=RENEWS, kind=kind, **fields
    )


def auto_renew_off(company, *codes: str) -> None:
    AgreementLine.objects.filter(
        agreement__company=company, agreement__status=Status.ACTIVE, code__in=codes
    ).update(auto_renew=False)


# Renewing on the date


def test_nothing_renews_before_the_term_end(tailspin, adventure_works):
    with at(EVE):
        assert renewals_run() == 0

    assert statuses(tailspin) == statuses(adventure_works) == {1: Status.ACTIVE}


def test_the_seed_customers_renew_on_their_date_at_the_scheduled_seats_and_the_new_prices(
    tailspin, adventure_works, new_prices
):
    s1 = schedule(adventure_works, "S1", RenewalChange.Kind.SEATS, seats=240)
    a3 = schedule(adventure_works, "A3", RenewalChange.Kind.SEATS, seats=240)

    with at(DUE):
        assert renewals_run() == 2

    # Tailspin: the same 120 seats at S1's new price (3.75 from 1 seat).
    assert statuses(tailspin) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    assert lines_of(tailspin, 2) == {
        "S1": (120, Decimal("3.7500"), Decimal("450.00"), RENEWS, NEXT_TERM)
    }
    # Adventure Works: 240 seats as scheduled, S1 at the new price of 240 seats (3.75), A3 at
    # its unchanged 10.00.
    assert lines_of(adventure_works, 2) == {
        "S1": (240, Decimal("3.7500"), Decimal("900.00"), RENEWS, NEXT_TERM),
        "A3": (240, Decimal("10.0000"), Decimal("2400.00"), RENEWS, NEXT_TERM),
    }
    old, new = adventure_works.agreements.get(version=1), adventure_works.agreements.get(version=2)
    assert (old.status, old.effective_until) == (Status.SUPERSEDED, RENEWS)
    assert (new.status, new.effective_from, new.effective_until) == (Status.ACTIVE, RENEWS, None)
    assert (new.total_users, new.reason, new.created_by) == (240, "Renewal on 2027-06-30", None)
    assert new.lines.get(code="S1").commitment == "1y"
    adventure_works.refresh_from_db()
    assert adventure_works.status == Company.Status.COMPLETE
    assert (adventure_works.permitted_users, adventure_works.fee_seats) == (240, 240)
    assert adventure_works.fee_products == " S1 A3 "
    assert adventure_works.monthly_fees == Decimal("900.00")  # A3 is priced per year
    assert adventure_works.renews_on == adventure_works.commitment_ends_on == NEXT_TERM
    tailspin.refresh_from_db()
    assert (tailspin.permitted_users, tailspin.monthly_fees) == (120, Decimal("450.00"))
    for change in (s1, a3):
        change.refresh_from_db()
        assert (change.status, change.agreement_id) == (RenewalChange.Status.APPLIED, new.pk)
        assert change.applied_at == DUE


def test_auto_renew_off_ends_that_product_and_the_rest_renews(adventure_works):
    auto_renew_off(adventure_works, "A3")

    with at(DUE):
        assert renewals_run() == 1

    assert lines_of(adventure_works, 2) == {
        "S1": (430, Decimal("3.2000"), Decimal("1376.00"), RENEWS, NEXT_TERM)
    }
    adventure_works.refresh_from_db()
    assert (adventure_works.fee_products, adventure_works.permitted_users) == (" S1 ", 430)
    [entry] = renewal_entries(adventure_works)
    assert entry.summary.endswith("; ended A3 (auto-renew off)")
    assert entry.changes["A3"] == ["430 seats", "Ended (auto-renew off)"]


def test_everything_off_makes_a_former_customer_and_ends_its_version(litware):
    auto_renew_off(litware, "S2")

    with at(DUE):
        assert renewals_run() == 1

    [version] = litware.agreements.all()
    assert (version.status, version.effective_until) == (Status.ENDED, RENEWS)
    litware.refresh_from_db()
    assert litware.status == Company.Status.FORMER
    assert (litware.fee_products, litware.fee_seats, litware.monthly_fees) == ("", None, None)
    assert (litware.permitted_users, litware.renews_on, litware.next_billing_date) == (
        None,
        None,
        None,
    )
    [entry] = renewal_entries(litware)
    assert entry.actor is None and entry.created_at == DUE
    assert entry.summary == (
        "Renewal on 2027-06-30: nothing renews, agreement version 1 ended; ended S2 "
        "(auto-renew off); now a Former customer"
    )
    assert entry.changes == {
        "Agreement version 1": ["Active", "Ended"],
        "status": ["Customer (Complete)", "Former customer"],
        "permitted_users": [260, None],
        "S2": ["260 seats", "Ended (auto-renew off)"],
    }


def test_a_product_removed_for_renewal_ends_and_its_change_is_applied(litware):
    removal = schedule(litware, "S2", RenewalChange.Kind.REMOVE)

    with at(DUE):
        assert renewals_run() == 1

    removal.refresh_from_db()
    assert removal.status == RenewalChange.Status.APPLIED
    assert removal.agreement == litware.agreements.get(status=Status.ENDED)
    assert Company.objects.get(pk=litware.pk).status == Company.Status.FORMER


def test_the_history_entry_says_what_renewed_at_what_seats_and_prices_and_what_ended(
    adventure_works, new_prices
):
    schedule(adventure_works, "S1", RenewalChange.Kind.SEATS, seats=240)
    auto_renew_off(adventure_works, "A3")

    with at(DUE):
        renewals_run()

    [entry] = renewal_entries(adventure_works)
    assert (entry.actor, entry.created_at, entry.action) == (None, DUE, "status")
    assert entry.summary == (
        "Renewal on 2027-06-30: agreement version 2 (240 seats) replaces version 1; renewed S1 "
        "240 seats at 3.7500 USD until 2028-06-30; ended A3 (auto-renew off)"
    )
    assert entry.changes == {
        "Agreement version 2": [None, "Active"],
        "Agreement version 1": ["Active", "Superseded"],
        "S1": [
            "430 seats at 3.2000 USD until 2027-06-30",
            "240 seats at 3.7500 USD until 2028-06-30",
        ],
        "A3": ["430 seats", "Ended (auto-renew off)"],
        "permitted_users": [430, 240],
    }


# Exactly once


def test_running_it_twice_renews_once(tailspin, litware):
    auto_renew_off(litware, "S2")
    with at(DUE):
        assert renewals_run() == 2
    entries = history_for(tailspin).count()
    with at(DUE + datetime.timedelta(minutes=15)):
        assert renewals_run() == 0

    assert statuses(tailspin) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    assert statuses(litware) == {1: Status.ENDED}
    assert history_for(tailspin).count() == entries
    assert ProvisioningRequest.objects.filter(action__in=["renewal", "end"]).count() == 2


def test_a_run_that_missed_the_date_renews_from_the_term_end(tailspin):
    with at(DUE + datetime.timedelta(days=3)):
        assert renewals_run() == 1

    assert tailspin.agreements.get(version=2).effective_from == RENEWS
    assert tailspin.agreements.get(version=1).effective_until == RENEWS


RENEW = """
import datetime, sys
import django
django.setup()
from django.db import connection
from portal.renewals.run import renewals_run
connection.ensure_connection()
print("ready", flush=True)
sys.stdin.readline()
print(renewals_run(datetime.date.fromisoformat(sys.argv[1]), batch=int(sys.argv[2])))
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_at_once_renew_each_term_once(acme, acme_admin, price_list):
    customers = [
        seed_customer(acme, acme_admin, f"Annual Customer {n:02}", {"S1": 120}) for n in range(12)
    ]

    counts = workers_race(RENEWS, workers=2, batch=2, script=RENEW)

    assert sum(counts) == 12, counts
    for company in customers:
        assert statuses(company) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
        assert len(renewal_entries(company)) == 1
    assert ProvisioningRequest.objects.filter(action="renewal").count() == 12
    assert set(
        Company.objects.filter(pk__in=[c.pk for c in customers]).values_list(
            "renews_on", "permitted_users"
        )
    ) == {(NEXT_TERM, 120)}


# Waiting


def test_a_pending_change_postpones_the_renewal_which_then_starts_on_the_term_end(
    tailspin, acme_admin
):
    upsell = agreement_create(
        company=tailspin,
        lines=[],
        status=Status.UPSELL_PENDING,
        total_users=150,
        currency="USD",
        actor=acme_admin,
    )
    with at(DUE):
        assert renewals_run() == 0
    assert statuses(tailspin) == {1: Status.ACTIVE, 2: Status.UPSELL_PENDING}

    with at(DUE + datetime.timedelta(hours=9)):
        agreement_reject(agreement=upsell, actor=None, reason="Out of stock")
    with at(DUE + datetime.timedelta(hours=9, minutes=15)):
        assert renewals_run() == 1

    assert statuses(tailspin) == {1: Status.SUPERSEDED, 2: Status.REJECTED, 3: Status.ACTIVE}
    assert tailspin.agreements.get(version=3).effective_from == RENEWS


def test_a_downsell_due_on_the_term_end_takes_effect_first_and_is_what_renews(
    adventure_works, acme_admin
):
    v1 = adventure_works.agreements.get()
    Agreement.objects.filter(pk=v1.pk).update(effective_until=RENEWS)
    term = LineTerm("1y", True, STARTED, RENEWS)
    agreement_create(
        company=adventure_works,
        lines=[line for line in _priced(adventure_works, {"S1": 300, "A3": 300})],
        status=Status.SCHEDULED,
        total_users=300,
        currency="USD",
        actor=acme_admin,
        terms={"S1": term, "A3": term},
        effective_from=RENEWS,
    )
    with at(DUE):
        assert renewals_run() == 0  # the Scheduled version holds it

        result = renew_due_terms.call()

    assert result == "1 scheduled version took effect; 1 renewal made"
    assert statuses(adventure_works) == {
        1: Status.SUPERSEDED,
        2: Status.SUPERSEDED,
        3: Status.ACTIVE,
    }
    assert {code: line[0] for code, line in lines_of(adventure_works, 3).items()} == {
        "S1": 300,
        "A3": 300,
    }
    assert adventure_works.agreements.get(version=3).effective_from == RENEWS


def _priced(company, quantities):
    from portal.catalog.selectors import price_table_for
    from portal.pricing import price_order

    return list(price_order(price_table_for(partner=company.partner), quantities).lines)


def test_the_task_is_scheduled_every_quarter_hour(settings):
    assert settings.SCHEDULE["portal.renewals.tasks.renew_due_terms"] == "*/15 * * * *"


# Monthly terms


@pytest.fixture
def northwind(acme, acme_admin, price_list):
    """The seeds' Northwind on a monthly term: June's, renewed on 1 July, its billing date."""
    company = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    Company.objects.filter(pk=company.pk).update(next_billing_date=datetime.date(2027, 7, 1))
    return on_term(
        company,
        commitment="monthly",
        start=datetime.date(2027, 6, 1),
        end=datetime.date(2027, 7, 1),
    )


JULY = datetime.datetime(2027, 7, 1, 0, 15, tzinfo=UTC)


def test_a_monthly_term_renewing_unchanged_rolls_on_in_place(northwind):
    updated = northwind.updated_at
    entries = history_for(northwind).count()

    with at(JULY):
        assert renewals_run() == 1

    assert statuses(northwind) == {1: Status.ACTIVE}
    assert lines_of(northwind, 1) == {
        "S1": (
            682,
            Decimal("2.9500"),
            Decimal("2011.90"),
            datetime.date(2027, 7, 1),
            datetime.date(2027, 8, 1),
        )
    }
    northwind.refresh_from_db()
    assert (northwind.renews_on, northwind.next_billing_date) == (
        datetime.date(2027, 8, 1),
        datetime.date(2027, 8, 1),
    )
    assert northwind.commitment_ends_on is None
    assert northwind.updated_at == updated
    assert history_for(northwind).count() == entries
    assert not ProvisioningRequest.objects.exists()


def test_a_monthly_term_whose_price_went_up_renews_as_a_new_version(northwind, new_prices):
    with at(JULY):
        assert renewals_run() == 1

    # 682 seats: 3.10 from 500 from 1 June.
    assert lines_of(northwind, 2)["S1"][:3] == (682, Decimal("3.1000"), Decimal("2114.20"))
    assert ProvisioningRequest.objects.get().action == "renewal"


# No price that day


def test_a_customer_without_a_price_that_day_is_left_for_a_person_and_the_others_renew(
    litware, tailspin, caplog
):
    ContractedPrice.objects.filter(product__code="S2").delete()

    with at(DUE), caplog.at_level(logging.WARNING, logger="portal.renewals.run"):
        assert renewals_run(batch=1) == 1
    with at(DUE + datetime.timedelta(minutes=15)):
        assert renewals_run() == 0

    assert statuses(litware) == {1: Status.ACTIVE}
    assert statuses(tailspin) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    assert f"Company {litware.pk}: its renewal cannot be made" in caplog.text
    [entry] = renewal_entries(litware)  # once, however often the run comes back
    assert entry.summary.startswith(
        "Renewal on 2027-06-30: not renewed: S2 has no contracted price in force on 2027-06-30"
    )
    assert entry.summary.endswith("Set a price or end the term by hand.")


# What the run costs


def test_a_run_with_nothing_due_costs_one_statement(tailspin):
    with at(EVE), CaptureQueriesContext(connection) as queries:
        assert renewals_run() == 0

    assert [q["sql"].split()[0] for q in queries if not _savepoint(q)] == ["SELECT"]


def _savepoint(query) -> bool:
    return "SAVEPOINT" in query["sql"].upper()


def test_the_statements_of_a_batch_do_not_grow_with_its_customers(acme, acme_admin, price_list):
    ContentType.objects.get_for_model(Company)  # cached for both runs
    later = datetime.date(2027, 9, 30)
    for n in range(2):
        seed_customer(acme, acme_admin, f"Early Customer {n}", {"S1": 120, "A3": 120})
    for n in range(6):
        seed_customer(acme, acme_admin, f"Later Customer {n}", {"S1": 120, "A3": 120}, end=later)
    # One line ends in each batch: both change the customers' figures alike.
    for company in Company.objects.filter(name__in=["Early Customer 1", "Later Customer 1"]):
        auto_renew_off(company, "A3")

    with at(DUE), CaptureQueriesContext(connection) as few:
        assert renewals_run() == 2
    with at(datetime.datetime(2027, 9, 30, 0, 15, tzinfo=UTC)):
        with CaptureQueriesContext(connection) as more:
            assert renewals_run() == 6

    assert len(more) == len(few)


# The vendor and the webhooks


def test_the_vendor_gets_a_renewal_request_and_an_end_request(tailspin, litware, new_prices):
    auto_renew_off(litware, "S2")

    with at(DUE):
        renewals_run()

    renewal = ProvisioningRequest.objects.get(company=tailspin)
    payload = renewal.payload
    assert (renewal.action, renewal.status) == ("renewal", "queued")
    assert renewal.agreement == tailspin.agreements.get(version=2)
    assert (payload["action"], payload["protocol_version"], payload["replaces_version"]) == (
        "renewal",
        3,
        1,
    )
    assert payload["renewal"] == {"renews_on": "2027-06-30", "renewed": ["S1"], "ended": []}
    assert payload["agreement"]["status_label"] == "Active"
    assert payload["agreement"]["effective_from"] == "2027-06-30"
    [line] = payload["agreement"]["lines"]
    assert (line["product"], line["quantity"], line["unit_price"], line["payment"]) == (
        "S1",
        120,
        "3.7500",
        "450.00",
    )
    assert (line["commitment"], line["term_start"], line["term_end"]) == (
        "1y",
        "2027-06-30",
        "2028-06-30",
    )
    assert payload["customer"]["permitted_users"] == 120
    assert (payload["kind"], payload["order_number"], payload["submitted_by"]) == (None, "", None)

    end = ProvisioningRequest.objects.get(company=litware)
    assert (end.action, end.agreement.status) == ("end", Status.ENDED)
    assert end.payload["agreement"]["status_label"] == "Ended"
    assert end.payload["agreement"]["effective_until"] == "2027-06-30"
    assert end.payload["renewal"] == {"renews_on": "2027-06-30", "renewed": [], "ended": ["S2"]}
    assert end.payload["customer"]["permitted_users"] is None


def test_the_vendors_confirmation_is_recorded_and_moves_no_version(tailspin, litware):
    auto_renew_off(litware, "S2")
    with at(DUE):
        renewals_run()

    with at(DUE + datetime.timedelta(hours=1)):
        first = settle(request=ProvisioningRequest.objects.get(company=tailspin), outcome="synced")
        again = settle(request=ProvisioningRequest.objects.get(company=tailspin), outcome="synced")
        ended = settle(request=ProvisioningRequest.objects.get(company=litware), outcome="synced")

    assert (first.changed, again.changed, ended.changed) == (True, False, True)
    assert statuses(tailspin) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    assert statuses(litware) == {1: Status.ENDED}
    assert history_for(tailspin).first().summary == (
        "The vendor confirmed the renewal on 2027-06-30 (agreement version 2)"
    )
    assert history_for(litware).first().summary == (
        "The vendor confirmed the end of agreement version 1 on 2027-06-30"
    )
    assert not OutgoingMessage.objects.filter(template="renewal_rejected").exists()


def test_a_rejected_renewal_is_e_mailed_to_the_msps_admins(tailspin, acme, acme_admin):
    other_admin = make_user(acme, role="admin", email="second-admin@acme.test")
    make_user(acme, role="sales", email="sales@acme.test")
    with at(DUE):
        renewals_run()

    request = ProvisioningRequest.objects.get(company=tailspin)
    with at(DUE + datetime.timedelta(hours=1)):
        settle(request=request, outcome="rejected", reason="Seats not available in region")

    assert statuses(tailspin) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    message = OutgoingMessage.objects.get(template="renewal_rejected")
    assert message.to == [acme_admin.email, other_admin.email]
    assert message.subject == (
        "Rejected by the vendor: Tailspin Toys, renewal of agreement version 2"
    )
    assert "Seats not available in region" in message.text_body
    assert history_for(tailspin).first().summary == (
        "The vendor rejected the renewal on 2027-06-30 (agreement version 2): Seats not "
        "available in region. Contact the vendor."
    )


@pytest.mark.django_db(transaction=True)
def test_the_simulated_provisioner_confirms_a_renewal(
    acme, acme_admin, price_list, run_worker, sync_settings
):
    tailspin = seed_customer(acme, acme_admin, "Tailspin Toys", {"S1": 120})
    renewals_run(RENEWS)

    run_worker()

    request = ProvisioningRequest.objects.get(company=tailspin)
    assert request.status == "synced"
    assert history_for(tailspin).first().summary.startswith("The vendor confirmed the renewal")


def test_webhooks_tell_each_msp_of_its_own_renewals_and_ended_customers(tailspin, litware, globex):
    auto_renew_off(litware, "S2")
    renewal_events = [events.AGREEMENT_RENEWED, events.CUSTOMER_ENDED]
    acme_hook = WebhookEndpoint.objects.create(
        partner=tailspin.partner, url="https://psa.example/acme", events=renewal_events
    )
    WebhookEndpoint.objects.create(
        partner=globex, url="https://psa.example/globex", events=renewal_events
    )

    with at(DUE):
        renewals_run()

    acme_deliveries = {d.event: d.payload["data"] for d in acme_hook.deliveries.all()}
    assert len(acme_deliveries) == acme_hook.deliveries.count() == 2
    renewed = acme_deliveries[events.AGREEMENT_RENEWED]
    assert renewed["company"] == {"id": tailspin.pk, "name": "Tailspin Toys"}
    assert (renewed["agreement"]["version"], renewed["replaces_version"]) == (2, 1)
    assert renewed["agreement"]["lines"][0]["term_end"] == "2028-06-30"
    assert renewed["renewal"] == {"renews_on": "2027-06-30", "renewed": ["S1"], "ended": []}
    ended = acme_deliveries[events.CUSTOMER_ENDED]
    assert ended["company"]["id"] == litware.pk
    assert ended["agreement"]["status"] == "ended"
    assert ended["renewal"]["ended"] == ["S2"]
    # Another MSP's endpoint hears nothing of Acme's customers.
    assert WebhookDelivery.objects.count() == 2


def test_the_webhook_form_offers_the_renewal_events(client, acme_admin):
    client.force_login(acme_admin)

    content = client.get(reverse("webhooks:create")).content.decode()

    assert 'value="agreement.renewed"' in content and "Agreement renewed" in content
    assert 'value="customer.ended"' in content and "Customer ended" in content
