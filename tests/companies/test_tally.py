"""The per-status counts the lists show are kept by the database, whatever writes the rows."""

from portal.accounts.models import Partner
from portal.companies.models import Company, CompanyTally
from tests.fixtures.factories import make_company


def tallies() -> dict:
    return {
        (t.partner.name, t.status): t.count
        for t in CompanyTally.objects.select_related("partner")
        if t.count
    }


def real_counts() -> dict:
    return {
        (c.partner.name, c.status): n
        for c, n in (
            (
                company,
                Company.objects.filter(partner=company.partner, status=company.status).count(),
            )
            for company in Company.objects.select_related("partner")
        )
    }


def test_tally_follows_inserts_status_changes_and_deletes(acme, globex):
    first = make_company(acme, "One")
    make_company(acme, "Two")
    Company.objects.bulk_create([Company(partner=globex, name=f"Bulk {i}") for i in range(5)])
    assert tallies() == {
        ("Acme IT Services", "prospect"): 2,
        ("Globex Managed Services", "prospect"): 5,
    }

    Company.objects.filter(pk=first.pk).update(status=Company.Status.IN_PROGRESS)
    Company.objects.filter(partner=globex).update(permitted_users=10)  # no status change
    Company.objects.filter(partner=globex, name__in=["Bulk 0", "Bulk 1"]).delete()

    assert (
        tallies()
        == real_counts()
        == {
            ("Acme IT Services", "prospect"): 1,
            ("Acme IT Services", "in_progress"): 1,
            ("Globex Managed Services", "prospect"): 3,
        }
    )


def test_tally_follows_a_company_moved_to_another_partner(acme, globex):
    company = make_company(acme, "Mover")

    Company.objects.filter(pk=company.pk).update(partner=globex)

    assert tallies() == {("Globex Managed Services", "prospect"): 1}
    assert Partner.objects.count() == 2
