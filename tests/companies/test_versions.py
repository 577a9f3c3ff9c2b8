"""The agreement version's status machine: the allowed moves, a forbidden one refused with
its words and nothing saved, and where a version stands in time (scheduled until its date)."""

import datetime

import pytest
import time_machine

from portal.changes.models import ChangeOrder
from portal.companies.lifecycle import agreement_confirm
from portal.companies.models import Agreement
from portal.companies.schedule import versions_take_effect
from portal.companies.versions import (
    TRANSITIONS,
    ForbiddenMove,
    Standing,
    downsell_open,
    standing,
    versions_move,
)
from portal.core.history import history_for
from tests.fixtures.clock import made_on

from .test_lifecycle_sync import make_catalog, make_customer, submit_change

Status = Agreement.Status
BILLING = datetime.date(2026, 12, 1)
_clock = made_on(datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC))


@pytest.fixture
def fabrikam(acme, acme_admin):
    make_catalog(acme)
    return make_customer(acme, acme_admin)


def test_every_status_has_a_row_and_closed_ones_go_nowhere():
    assert set(TRANSITIONS) == set(Status)
    assert TRANSITIONS[Status.REJECTED] == TRANSITIONS[Status.CANCELLED] == set()
    for pending in Agreement.PENDING:
        assert Status.SUPERSEDED not in TRANSITIONS[pending]
    cancellable = {status for status, moves in TRANSITIONS.items() if Status.CANCELLED in moves}
    assert cancellable == {Status.DOWNSELL_PENDING, Status.SCHEDULED}
    # In effect only from pending or from Scheduled; never back once superseded.
    entering = {status for status, moves in TRANSITIONS.items() if Status.ACTIVE in moves}
    assert entering == set(Agreement.PENDING) | {Status.SCHEDULED}


def test_a_forbidden_move_is_refused_in_words_and_saves_nothing(fabrikam, acme_admin):
    active = fabrikam.agreements.get()
    entries = history_for(fabrikam).count()

    with pytest.raises(ForbiddenMove, match="cannot go from Active to Rejected"):
        versions_move(
            company=fabrikam,
            moves=[(active, Status.REJECTED)],
            actor=acme_admin,
            summary="never written",
        )

    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    assert history_for(fabrikam).count() == entries


def test_one_move_of_several_forbidden_refuses_them_all(fabrikam, acme_admin):
    active = fabrikam.agreements.get()
    pending = submit_change(fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, "upsell")

    with pytest.raises(ForbiddenMove):
        versions_move(
            company=fabrikam,
            moves=[(pending, Status.ACTIVE), (active, Status.REJECTED)],
            actor=acme_admin,
            summary="never written",
        )

    pending.refresh_from_db()
    assert pending.status == Status.UPSELL_PENDING


def test_a_synced_downsell_is_scheduled_until_its_date_then_in_effect(fabrikam, acme_admin):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        downsell = submit_change(
            fabrikam,
            acme_admin,
            {"S1": 200, "C1": 200},
            200,
            ChangeOrder.Kind.DOWNSELL,
            effective_on=BILLING,
            cancel_by=datetime.date(2026, 11, 28),
        )
        assert standing(downsell) == Standing.PENDING
        assert downsell_open(downsell)
        agreement_confirm(agreement=downsell, actor=None)
        downsell.refresh_from_db()
        assert standing(downsell) == Standing.SCHEDULED
        assert downsell_open(downsell)

        assert standing(fabrikam.agreements.get(version=1)) == Standing.IN_EFFECT

    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 20, tzinfo=datetime.UTC)):
        assert versions_take_effect() == 1
        downsell.refresh_from_db()
        assert standing(downsell) == Standing.IN_EFFECT
        assert not downsell_open(downsell)
    assert standing(fabrikam.agreements.get(version=1)) == Standing.OVER


def test_an_upsell_is_in_effect_once_synced(fabrikam, acme_admin):
    upsell = submit_change(fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, "upsell")
    agreement_confirm(agreement=upsell, actor=None)
    upsell.refresh_from_db()
    assert standing(upsell) == Standing.IN_EFFECT
    assert not downsell_open(upsell)
