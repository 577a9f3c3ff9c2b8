"""Two tabs submit the same file at the same moment: it is imported once."""

import threading

import pytest
from django.db import connection, connections

from portal.companies.models import Company
from portal.prospects.import_services import AlreadyImported, import_run, import_start
from portal.prospects.models import ProspectImport

from .upload_helpers import csv_bytes, row

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two real connections"
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_imports_once(acme, acme_admin, catalog):
    content = csv_bytes([row(), row("Fabrikam Logistics", "fabrikam.example")])
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            started = import_start(
                partner=acme, actor=acme_admin, filename="p.csv", content=content
            )
            outcomes.append(import_run(import_id=started.pk))
        except AlreadyImported as exc:
            outcomes.append(f"already: {exc.existing.pk}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["already", "done"]
    assert Company.objects.filter(partner=acme).count() == 2
    assert ProspectImport.objects.count() == 1
