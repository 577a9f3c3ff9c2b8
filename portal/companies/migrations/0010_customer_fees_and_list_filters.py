"""What customers pay, kept on the company, and a prospect's product codes; the indexes of the
lists' filters and of the fee totals."""

from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

tally = import_module("portal.companies.migrations.0004_company_tally")

def restore_sqlite_triggers(apps, schema_editor):
    # SQLite added the columns by copying the table into a new one, which lost its triggers.
    if schema_editor.connection.vendor == "sqlite":
        for sql in tally.SQLITE_DROP + tally.SQLITE:
            schema_editor.execute(sql)


def fill_prospect_codes(apps, schema_editor):
    """A prospect's expected products as codes on the company (" S1 A1 "), as
    services.product_codes writes them from now on."""
    Company = apps.get_model("companies", "Company")
    CompanyProduct = apps.get_model("companies", "CompanyProduct")
    codes: dict[int, list] = {}
    rows = CompanyProduct.objects.filter(company__status="prospect").values_list(
        "company_id", "product__position", "product__code"
    )
    for company_id, position, code in rows.iterator():
        codes.setdefault(company_id, []).append((position, code))
    for company_id, found in codes.items():
        text = f" {' '.join(code for _, code in sorted(found))} "
        Company.objects.filter(pk=company_id).update(fee_products=text)


def fill_fees(apps, schema_editor):
    """What each customer pays, from the version in effect (as versions.paying_version says;
    written again here because a migration reads the models as they were)."""
    Company = apps.get_model("companies", "Company")
    Agreement = apps.get_model("companies", "Agreement")
    ChangeOrder = apps.get_model("changes", "ChangeOrder")
    today = timezone.localdate()
    customers = Company.objects.exclude(status="prospect").values_list("pk", flat=True)
    for pk in customers.iterator():
        versions = list(Agreement.objects.filter(company_id=pk).prefetch_related("lines"))
        by_pk = {a.pk: a for a in versions}
        changes = {
            c.agreement_id: c
            for c in ChangeOrder.objects.filter(agreement__company_id=pk, kind="downsell")
        }
        paying, until = None, None
        for version in sorted(versions, key=lambda a: a.version, reverse=True):
            if version.status != "active":
                continue
            change = changes.get(version.pk)
            if change and change.effective_on and change.effective_on > today:
                paying, until = by_pk.get(change.prior_id), change.effective_on
            else:
                paying = version
            break
        if paying is None:
            paying = next((a for a in versions if a.status == "new_pending"), None)
        figures = {"fees_until": until}
        if paying is not None:
            lines = list(paying.lines.all())
            figures |= {
                "fee_products": f" {' '.join(line.code for line in lines)} " if lines else "",
                "fee_seats": paying.total_users,
                "monthly_fees": sum(
                    (line.payment for line in lines if line.term == "monthly"), Decimal("0.00")
                ),
                "fees_currency": paying.currency,
            }
        Company.objects.filter(pk=pk).update(**figures)


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0001_initial"),
        ("accounts", "0004_partner_require_two_step"),
        ("companies", "0009_contacts_and_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="fee_products",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="company",
            name="fee_seats",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="company",
            name="fees_currency",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=3),
        ),
        migrations.AddField(
            model_name="company",
            name="fees_until",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="company",
            name="monthly_fees",
            field=models.DecimalField(
                blank=True, decimal_places=2, editable=False, max_digits=14, null=True
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                fields=["partner", "status", "fee_seats", "id"], name="company_by_fee_seats"
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                fields=["partner", "status", "monthly_fees", "id"], name="company_by_monthly_fees"
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                fields=[
                    "partner",
                    "status",
                    "implementation_lead",
                    "name_initial",
                    "name_key",
                    "id",
                ],
                name="company_list_lead",
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                fields=["partner", "status", "sector", "name_initial", "name_key", "id"],
                name="company_list_sector",
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                fields=["partner", "status", "name_initial", "fee_products"],
                name="company_list_products",
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                fields=["partner", "status", "fees_currency", "monthly_fees"],
                name="company_fee_totals",
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                condition=models.Q(("fees_until__isnull", False)),
                fields=["partner", "fees_until"],
                name="company_fees_until",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_prospect_codes, migrations.RunPython.noop),
        migrations.RunPython(fill_fees, migrations.RunPython.noop),
    ]
