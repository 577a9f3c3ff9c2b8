"""What customers pay, kept on the company; a prospect's product codes kept there by triggers;
the indexes of the lists' filters and of the fee totals."""

from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

tally = import_module("portal.companies.migrations.0004_company_tally")

# A prospect's expected products as codes on the company (" S1 A1 "), kept in step with
# companies_companyproduct by the database, whatever writes it (the form, an upload, COPY).
# PostgreSQL: once per statement (transition tables), so an upload of 100,000 rows costs one
# UPDATE, not 100,000. Customers' codes are those they pay for (versions.company_fees_refresh).
CODES_OF = """
    coalesce((SELECT ' ' || string_agg(p.code, ' ' ORDER BY p.position, p.code) || ' '
              FROM companies_companyproduct cp JOIN catalog_product p ON p.id = cp.product_id
              WHERE cp.company_id = c.id), '')
"""
POSTGRES = [
    f"""
    CREATE FUNCTION companies_product_codes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        UPDATE companies_company c SET fee_products = {CODES_OF}
        WHERE c.status = 'prospect' AND c.id IN (SELECT company_id FROM old_rows);
      ELSE
        UPDATE companies_company c SET fee_products = {CODES_OF}
        WHERE c.status = 'prospect' AND c.id IN (SELECT company_id FROM new_rows);
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER company_product_codes_insert AFTER INSERT ON companies_companyproduct "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION companies_product_codes()",
    "CREATE TRIGGER company_product_codes_delete AFTER DELETE ON companies_companyproduct "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION companies_product_codes()",
    "CREATE TRIGGER company_product_codes_update AFTER UPDATE ON companies_companyproduct "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION companies_product_codes()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS company_product_codes_insert ON companies_companyproduct",
    "DROP TRIGGER IF EXISTS company_product_codes_delete ON companies_companyproduct",
    "DROP TRIGGER IF EXISTS company_product_codes_update ON companies_companyproduct",
    "DROP FUNCTION IF EXISTS companies_product_codes()",
]
SQLITE_CODES_OF = """
    coalesce((SELECT ' ' || group_concat(code, ' ') || ' ' FROM (
        SELECT p.code FROM companies_companyproduct cp JOIN catalog_product p
        ON p.id = cp.product_id WHERE cp.company_id = {row}.company_id
        ORDER BY p.position, p.code)), '')
"""
SQLITE = [
    f"""
    CREATE TRIGGER company_product_codes_{event} AFTER {event.upper()}
    ON companies_companyproduct BEGIN
      UPDATE companies_company SET fee_products = {SQLITE_CODES_OF.format(row=row)}
      WHERE id = {row}.company_id AND status = 'prospect';
    END
    """
    for event, row in (("insert", "NEW"), ("delete", "OLD"), ("update", "NEW"))
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS company_product_codes_{event}"
    for event in ("insert", "delete", "update")
]
FILL_PROSPECTS = (
    f"UPDATE companies_company c SET fee_products = {CODES_OF} WHERE c.status = 'prospect'"
)
SQLITE_FILL_PROSPECTS = (
    "UPDATE companies_company SET fee_products = "
    + SQLITE_CODES_OF.format(row="companies_company").replace(
        "companies_company.company_id", "companies_company.id"
    )
    + " WHERE status = 'prospect'"
)


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [FILL_PROSPECTS, *POSTGRES]
    else:
        # SQLite added the columns by copying the table into a new one, which lost its tally
        # triggers: they are made again.
        statements = [*tally.SQLITE_DROP, *tally.SQLITE, SQLITE_FILL_PROSPECTS, *SQLITE]
    for sql in statements:
        schema_editor.execute(sql)


def uninstall_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_DROP if postgres else SQLITE_DROP:
        schema_editor.execute(sql)


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
        ("companies", "0008_prospect_customer"),
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
        migrations.RunPython(install_triggers, uninstall_triggers),
        migrations.RunPython(fill_fees, migrations.RunPython.noop),
    ]
