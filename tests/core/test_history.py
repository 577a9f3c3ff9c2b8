import pytest
from django.db import transaction

from portal.core.history import changed_fields, history_for, history_record, snapshot
from portal.core.models import HistoryEntry
from tests.fixtures.factories import make_company


def test_history_entry_records_actor_object_and_changes(acme, acme_admin):
    company = make_company(acme, "Northwind Traders", permitted_users=10)
    before = snapshot(company, ["name", "permitted_users"])
    company.permitted_users = 12
    after = snapshot(company, ["name", "permitted_users"])

    entry = history_record(
        actor=acme_admin,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary="Prospect changed",
        changes=changed_fields(before, after),
    )

    assert entry.partner == acme
    assert entry.actor == acme_admin
    assert entry.changes == {"permitted_users": [10, 12]}
    assert list(history_for(company)) == [entry]


def test_history_entry_rolls_back_with_the_change(acme, acme_admin):
    company = make_company(acme)
    with pytest.raises(RuntimeError), transaction.atomic():
        history_record(actor=acme_admin, obj=company, action="update", summary="x")
        raise RuntimeError

    assert not history_for(company).exists()
