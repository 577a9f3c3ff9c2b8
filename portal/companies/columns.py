"""The columns of the company lists, declared once.

Each column says, for one field of a company: its header as the seeds say it, where its value is
read on a Company, the key a list sorts it by, its name in an API row, and its header in the
prospect spreadsheet. The lists below say which columns each reader shows, in its order: the
list pages, the API's rows and sort keys, and the spreadsheet (template, export and upload).
"""

from dataclasses import dataclass

from portal.core.lists import Column


@dataclass(frozen=True)
class CompanyColumn(Column):
    """``key`` (its name in ``?sort=``), ``label`` (the list page's header) and ``order_by``
    (the indexed field the list sorts on, ``models.SORTABLE``) are empty for a column that no
    list page shows."""

    key: str = ""
    label: str = ""
    order_by: str = ""
    attr: str = ""  # read off a Company, for a page's cell and an API row
    api: str = ""  # the field's name in an API row; "" when not in the row
    sheet: str = ""  # the spreadsheet's header; "" when not in the spreadsheet
    field: str = ""  # the Company field an uploaded cell sets (defaults to ``attr``)
    export: str = ""  # what the export reads, through relations (defaults to ``field``)
    required: bool = False  # an uploaded row must fill it in
    help: str = ""  # the spreadsheet's "How to fill in"
    example: str = ""  # the template's example row

    def __post_init__(self):
        # Frozen: the defaults are set as the dataclass itself sets fields.
        if not self.field:
            object.__setattr__(self, "field", self.attr)
        if not self.export:
            object.__setattr__(self, "export", self.field)


ID = CompanyColumn(
    attr="id",
    api="id",
    sheet="ID",
    help="Leave empty for a new prospect. Filled in by Export: the row then updates that prospect.",
)
COMPANY_TYPE = CompanyColumn(
    attr="company_type",
    sheet="Company Type",
    help="One of the list.",
    example="End customer",
)
NAME = CompanyColumn(
    "name",
    "Company Name",
    "name_key",
    attr="name",
    api="name",
    sheet="Company Name",
    required=True,
    help="Required. The full legal name, no abbreviations; unique among your companies.",
    example="Northwind Traders Limited",
)
DOMAIN = CompanyColumn(
    "domain",
    "Domain",
    "domain",
    attr="domain",
    api="domain",
    sheet="Domain",
    required=True,
    help="Required. The e-mail domain, like example.com; no other prospect or customer may "
    "hold it.",
    example="northwind-traders.example",
)
WEBSITE = CompanyColumn(
    attr="website",
    sheet="Website",
    help="Optional. A web address.",
    example="https://northwind-traders.example",
)
SECTOR = CompanyColumn(
    attr="sector",
    sheet="Sector",
    required=True,
    help="Required. One of the list.",
    example="Retail",
)
# The list shows the lead's name (kept on the company, to sort by); the spreadsheet the e-mail.
LEAD = CompanyColumn(
    "lead",
    "Implementation Lead",
    "lead_name",
    attr="lead_name",
    api="implementation_lead_name",
    sheet="Implementation Lead E-mail",
    field="implementation_lead",
    export="implementation_lead__email",
    required=True,
    help="Required. The e-mail of a user of your MSP with the MSP Implementation Lead option.",
)
SECONDARY_CONTACT = CompanyColumn(
    sheet="Secondary Implementation Contact E-mail",
    field="secondary_contact",
    export="secondary_contact__email",
    help="Optional. As above; not the same person as the lead.",
)
PROVISION = CompanyColumn(
    "provision",
    "Expected Provision Date",
    "expected_provision_date",
    attr="expected_provision_date",
    api="expected_provision_date",
    sheet="Expected Provision Date",
    help="Optional. YYYY-MM-DD; not in the past for a new prospect.",
    example="2027-03-01",
)
USERS = CompanyColumn(
    "users",
    "Permitted Users",
    "permitted_users",
    numeric=True,
    attr="permitted_users",
    api="permitted_users",
    sheet="Permitted Users",
    required=True,
    help="Required. A whole number from 1 to 1,000,000.",
    example="250",
)
BILLING = CompanyColumn(
    "billing",
    "Next Billing Date",
    "next_billing_date",
    attr="next_billing_date",
    api="next_billing_date",
)
CHANGED = CompanyColumn(
    "changed", "Last Changed", "updated_at", attr="updated_at", api="updated_at"
)

# Each list page's columns, in its order.
PROSPECT_LIST = [NAME, DOMAIN, USERS, LEAD, PROVISION, CHANGED]
# Every customer In Progress waits for its first order to be provisioned (agreement version 1,
# New Order Pending), so the date it is expected is what tells them apart.
IN_PROGRESS_LIST = [NAME, DOMAIN, USERS, LEAD, PROVISION, CHANGED]
# The next billing date is when a change takes effect, and a downsell's deadline.
COMPLETE_LIST = [NAME, DOMAIN, USERS, LEAD, BILLING, CHANGED]

# A row of a list in the API: every list's columns, and the company's id.
API_ROW = [ID, NAME, DOMAIN, USERS, LEAD, PROVISION, BILLING, CHANGED]
SORTS = [column for column in API_ROW if column.key]  # the sort keys the lists take

# The prospect spreadsheet's fixed columns, in its order: template, export and upload; one
# column per product follows them (``prospects.columns``).
SHEET = [ID, COMPANY_TYPE, NAME, DOMAIN, WEBSITE, SECTOR, LEAD, SECONDARY_CONTACT, PROVISION, USERS]
