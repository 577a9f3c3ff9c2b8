"""Each tally row counts the changes to what its list shows (``CompanyTally.changes``).

A partner's list in one status shows its companies, whether a prospect has a saved order, and
filters made of the partner's implementation leads and enabled products. Triggers add one to
``changes`` in the same transaction as any write to those (a service, an import, the admin,
SQL), so the list's content cached under the tally's ``changes`` (``list_cache.py``) is always
that of the data committed with it. PostgreSQL: one upsert per statement on companies, in
(partner, status) order, as the count's.
"""

from importlib import import_module

from django.db import migrations, models

tally = import_module("portal.companies.migrations.0004_company_tally")

# The companies' triggers keep the count as migration 0004's did, and count a change for every
# (partner, status) a statement wrote a company of.
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION companies_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        INSERT INTO companies_companytally (partner_id, status, count, changes)
        SELECT partner_id, status, sum(delta), 1 FROM (
          SELECT partner_id, status, -1 AS delta FROM old_rows
          UNION ALL SELECT partner_id, status, 1 FROM new_rows
        ) AS moves GROUP BY partner_id, status ORDER BY partner_id, status
        ON CONFLICT (partner_id, status) DO UPDATE SET
          count = companies_companytally.count + EXCLUDED.count,
          changes = companies_companytally.changes + 1;
      ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO companies_companytally (partner_id, status, count, changes)
        SELECT partner_id, status, count(*), 1 FROM new_rows
        GROUP BY partner_id, status ORDER BY partner_id, status
        ON CONFLICT (partner_id, status) DO UPDATE SET
          count = companies_companytally.count + EXCLUDED.count,
          changes = companies_companytally.changes + 1;
      ELSE
        INSERT INTO companies_companytally (partner_id, status, count, changes)
        SELECT partner_id, status, -count(*), 1 FROM old_rows
        GROUP BY partner_id, status ORDER BY partner_id, status
        ON CONFLICT (partner_id, status) DO UPDATE SET
          count = companies_companytally.count + EXCLUDED.count,
          changes = companies_companytally.changes + 1;
      END IF;
      RETURN NULL;
    END $$
    """,
    # An order saved, submitted or deleted: the Prospect List's "saved order" mark.
    """
    CREATE FUNCTION companies_list_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE companies_companytally t SET changes = t.changes + 1
      FROM (SELECT DISTINCT partner_id, status FROM companies_company
            WHERE id IN (OLD.company_id, NEW.company_id)) AS c
      WHERE t.partner_id = c.partner_id AND t.status = c.status;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER company_list_order_changed "
    "AFTER INSERT OR DELETE OR UPDATE OF status, company_id ON orders_order "
    "FOR EACH ROW EXECUTE FUNCTION companies_list_order_changed()",
    # A user's name, e-mail, lead flag or partner: the Implementation Lead filter.
    """
    CREATE FUNCTION companies_list_partner_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE companies_companytally SET changes = changes + 1
      WHERE partner_id IN (OLD.partner_id, NEW.partner_id);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER company_list_user_changed "
    "AFTER INSERT OR DELETE OR UPDATE OF full_name, email, is_active, is_implementation_lead, "
    "partner_id ON accounts_user FOR EACH ROW EXECUTE FUNCTION companies_list_partner_changed()",
    # A product enabled for the partner or no longer: the Product filter.
    "CREATE TRIGGER company_list_products_changed "
    "AFTER INSERT OR DELETE OR UPDATE ON accounts_partner_products "
    "FOR EACH ROW EXECUTE FUNCTION companies_list_partner_changed()",
    # A product renamed, moved or retired: the Product filter of the partners that enabled it.
    """
    CREATE FUNCTION companies_list_product_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE companies_companytally SET changes = changes + 1
      WHERE partner_id IN (SELECT partner_id FROM accounts_partner_products
                           WHERE product_id IN (OLD.id, NEW.id));
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER company_list_product_changed "
    "AFTER DELETE OR UPDATE OF code, name, position, is_active ON catalog_product "
    "FOR EACH ROW EXECUTE FUNCTION companies_list_product_changed()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS company_list_order_changed ON orders_order",
    "DROP TRIGGER IF EXISTS company_list_user_changed ON accounts_user",
    "DROP TRIGGER IF EXISTS company_list_products_changed ON accounts_partner_products",
    "DROP TRIGGER IF EXISTS company_list_product_changed ON catalog_product",
    "DROP FUNCTION IF EXISTS companies_list_order_changed()",
    "DROP FUNCTION IF EXISTS companies_list_partner_changed()",
    "DROP FUNCTION IF EXISTS companies_list_product_changed()",
]

# SQLite: one row at a time (it has no statement triggers with the rows written).
_BUMP_ORDER = """
      UPDATE companies_companytally SET changes = changes + 1
      WHERE EXISTS (SELECT 1 FROM companies_company c WHERE c.id = {row}.company_id
                    AND c.partner_id = companies_companytally.partner_id
                    AND c.status = companies_companytally.status);
"""
_BUMP_PARTNER = (
    "UPDATE companies_companytally SET changes = changes + 1 WHERE partner_id = {row}.partner_id;"
)
SQLITE = [
    """
    CREATE TRIGGER company_tally_insert AFTER INSERT ON companies_company BEGIN
      INSERT INTO companies_companytally (partner_id, status, count, changes)
      VALUES (NEW.partner_id, NEW.status, 1, 1)
      ON CONFLICT (partner_id, status) DO UPDATE SET count = count + 1, changes = changes + 1;
    END
    """,
    """
    CREATE TRIGGER company_tally_delete AFTER DELETE ON companies_company BEGIN
      UPDATE companies_companytally SET count = count - 1, changes = changes + 1
      WHERE partner_id = OLD.partner_id AND status = OLD.status;
    END
    """,
    """
    CREATE TRIGGER company_tally_update AFTER UPDATE ON companies_company BEGIN
      UPDATE companies_companytally SET count = count - 1
      WHERE partner_id = OLD.partner_id AND status = OLD.status
        AND (OLD.status <> NEW.status OR OLD.partner_id <> NEW.partner_id);
      INSERT INTO companies_companytally (partner_id, status, count, changes)
      SELECT NEW.partner_id, NEW.status, 1, 0
      WHERE OLD.status <> NEW.status OR OLD.partner_id <> NEW.partner_id
      ON CONFLICT (partner_id, status) DO UPDATE SET count = count + 1;
      UPDATE companies_companytally SET changes = changes + 1
      WHERE (partner_id = OLD.partner_id AND status = OLD.status)
         OR (partner_id = NEW.partner_id AND status = NEW.status);
    END
    """,
    "CREATE TRIGGER company_list_order_added AFTER INSERT ON orders_order BEGIN"
    + _BUMP_ORDER.format(row="NEW")
    + "END",
    "CREATE TRIGGER company_list_order_deleted AFTER DELETE ON orders_order BEGIN"
    + _BUMP_ORDER.format(row="OLD")
    + "END",
    "CREATE TRIGGER company_list_order_changed AFTER UPDATE OF status, company_id ON orders_order "
    "BEGIN" + _BUMP_ORDER.format(row="OLD") + _BUMP_ORDER.format(row="NEW") + "END",
    "CREATE TRIGGER company_list_user_added AFTER INSERT ON accounts_user BEGIN "
    + _BUMP_PARTNER.format(row="NEW")
    + " END",
    "CREATE TRIGGER company_list_user_deleted AFTER DELETE ON accounts_user BEGIN "
    + _BUMP_PARTNER.format(row="OLD")
    + " END",
    "CREATE TRIGGER company_list_user_changed AFTER UPDATE OF full_name, email, is_active, "
    "is_implementation_lead, partner_id ON accounts_user BEGIN "
    + _BUMP_PARTNER.format(row="OLD")
    + " "
    + _BUMP_PARTNER.format(row="NEW")
    + " END",
    "CREATE TRIGGER company_list_products_added AFTER INSERT ON accounts_partner_products BEGIN "
    + _BUMP_PARTNER.format(row="NEW")
    + " END",
    "CREATE TRIGGER company_list_products_deleted AFTER DELETE ON accounts_partner_products "
    "BEGIN " + _BUMP_PARTNER.format(row="OLD") + " END",
    """
    CREATE TRIGGER company_list_product_changed
    AFTER UPDATE OF code, name, position, is_active ON catalog_product BEGIN
      UPDATE companies_companytally SET changes = changes + 1
      WHERE partner_id IN (SELECT partner_id FROM accounts_partner_products
                           WHERE product_id = NEW.id);
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS company_tally_insert",
    "DROP TRIGGER IF EXISTS company_tally_delete",
    "DROP TRIGGER IF EXISTS company_tally_update",
    "DROP TRIGGER IF EXISTS company_list_order_added",
    "DROP TRIGGER IF EXISTS company_list_order_deleted",
    "DROP TRIGGER IF EXISTS company_list_order_changed",
    "DROP TRIGGER IF EXISTS company_list_user_added",
    "DROP TRIGGER IF EXISTS company_list_user_deleted",
    "DROP TRIGGER IF EXISTS company_list_user_changed",
    "DROP TRIGGER IF EXISTS company_list_products_added",
    "DROP TRIGGER IF EXISTS company_list_products_deleted",
    "DROP TRIGGER IF EXISTS company_list_product_changed",
]
# The tables the triggers are on, for the check that none of them was lost (SQLite drops a
# table's triggers when a migration copies it into a new one).
TRIGGERS = {
    "postgresql": {
        "companies_company": {"company_tally_insert", "company_tally_delete", "company_tally_update"},
        "orders_order": {"company_list_order_changed"},
        "accounts_user": {"company_list_user_changed"},
        "accounts_partner_products": {"company_list_products_changed"},
        "catalog_product": {"company_list_product_changed"},
    },
    "sqlite": {
        "companies_company": {"company_tally_insert", "company_tally_delete", "company_tally_update"},
        "orders_order": {
            "company_list_order_added",
            "company_list_order_deleted",
            "company_list_order_changed",
        },
        "accounts_user": {
            "company_list_user_added",
            "company_list_user_deleted",
            "company_list_user_changed",
        },
        "accounts_partner_products": {
            "company_list_products_added",
            "company_list_products_deleted",
        },
        "catalog_product": {"company_list_product_changed"},
    },
}


def drop_sqlite_tally(apps, schema_editor):
    # SQLite adds the column by copying the tally into a new table, which the triggers of
    # migration 0004 name: they are made again below.
    if schema_editor.connection.vendor == "sqlite":
        for sql in tally.SQLITE_DROP:
            schema_editor.execute(sql)


def restore_sqlite_tally(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in tally.SQLITE:
            schema_editor.execute(sql)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES
    else:
        statements = SQLITE_DROP + SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_DROP + tally.POSTGRES_DROP + tally.POSTGRES:
            schema_editor.execute(sql)
    else:  # 0004's come back once the column is gone (restore_sqlite_tally)
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_upload_regional_format"),
        ("catalog", "0005_price_in_force_from"),
        ("companies", "0020_active_by_company"),
        ("orders", "0006_order_per_opening"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_tally, restore_sqlite_tally),
        migrations.AddField(
            model_name="companytally",
            name="changes",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.RunPython(install, uninstall),
    ]
