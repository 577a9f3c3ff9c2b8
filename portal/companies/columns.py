"""The columns of the company lists, declared once.

A column is one field of a company: its header as the seeds say it, where its value is read on a
Company, the key a list sorts it by (and the index it sorts from), its name in an API row, and
what an uploaded cell of it sets. The lists at the end say which columns each reader shows, in
its order: the list pages, the API's rows and sort keys; the prospect spreadsheet (template,
export and upload) picks its own in ``prospects.columns``.
"""

from dataclasses import dataclass

from portal.core.lists import Column


@dataclass(frozen=True)
class CompanyColumn(Column):
    """``key`` names the column in ``?sort=`` (empty: no list page shows it); ``label`` is its
    header; ``order_by`` the field the list sorts on (``models.SORTABLE``), ``attr`` if empty.
    """

    key: str = ""
    label: str = ""
    order_by: str = ""
    attr: str = ""  # read off a Company, for a page's cell and an API row
    api: str = ""  # its name in an API row, ``attr`` if empty
    sheet_label: str = ""  # its header in the spreadsheet, ``label`` if empty
    field: str = ""  # the Company field an uploaded cell sets, ``attr`` if empty
    export: str = ""  # what the export reads, through relations: ``field`` if empty
    required: bool = False  # an uploaded row must fill it in

    def __post_init__(self):
        # The defaults named above (a frozen dataclass sets its fields with object.__setattr__).
        for name, default in (
            ("order_by", self.attr),
            ("api", self.attr),
            ("sheet_label", self.label),
            ("field", self.attr),
            ("export", self.field or self.attr),
        ):
            if not getattr(self, name):
                object.__setattr__(self, name, default)


ID = CompanyColumn(label="ID", attr="id")
COMPANY_TYPE = CompanyColumn(label="Company Type", attr="company_type")
NAME = CompanyColumn("name", "Company Name", "name_key", attr="name", required=True)
DOMAIN = CompanyColumn("domain", "Domain", attr="domain", required=True)
WEBSITE = CompanyColumn(label="Website", attr="website")
SECTOR = CompanyColumn(label="Sector", attr="sector", required=True)
# The list shows the lead's name (kept on the company, to sort by); the spreadsheet the e-mail.
LEAD = CompanyColumn(
    "lead",
    "Implementation Lead",
    attr="lead_name",
    api="implementation_lead_name",
    sheet_label="Implementation Lead E-mail",
    field="implementation_lead",
    export="implementation_lead__email",
    required=True,
)
SECONDARY_CONTACT = CompanyColumn(
    label="Secondary Implementation Contact E-mail",
    field="secondary_contact",
    export="secondary_contact__email",
)
PROVISION = CompanyColumn("provision", "Expected Provision Date", attr="expected_provision_date")
USERS = CompanyColumn(
    "users", "Permitted Users", attr="permitted_users", numeric=True, required=True
)
BILLING = CompanyColumn("billing", "Next Billing Date", attr="next_billing_date")
CHANGED = CompanyColumn("changed", "Last Changed", attr="updated_at")
# What a customer pays, from its agreement in effect (kept on the company: see
# ``versions.company_fees_refresh``). Products are a list of codes: shown, not sorted.
PRODUCTS = CompanyColumn(label="Products", attr="fee_products")
SEATS = CompanyColumn("seats", "Seats", attr="fee_seats", numeric=True)
FEES = CompanyColumn("fees", "Monthly Fees", attr="monthly_fees", numeric=True)
# Where the new customer's Request for Information is (not answered, sent to the vendor,
# confirmed): put on the page's rows by the list view (it lives in ``rfi``); sorted through the
# join, which the In Progress list (customers waiting to be provisioned: few) can afford.
RFI = CompanyColumn("rfi", "Request for Information", "rfi__vendor_state", attr="rfi_progress")

# Each list page's columns, in its order.
PROSPECT_LIST = [NAME, DOMAIN, USERS, LEAD, PROVISION, CHANGED]
# Every customer In Progress waits for its first order to be provisioned (agreement version 1,
# New Order Pending), so the date it is expected is what tells them apart.
IN_PROGRESS_LIST = [NAME, DOMAIN, PRODUCTS, SEATS, FEES, LEAD, PROVISION, RFI, CHANGED]
# The next billing date is when a change takes effect, and a downsell's deadline.
COMPLETE_LIST = [NAME, DOMAIN, PRODUCTS, SEATS, FEES, LEAD, BILLING, CHANGED]
# A former customer has nothing in effect: who it is, who led it, and when it last changed
# (every product ended then, unless edited since).
FORMER_LIST = [NAME, DOMAIN, LEAD, CHANGED]

# A row of a list in the API: every list's columns, and the company's id.
API_ROW = [ID, NAME, DOMAIN, USERS, LEAD, PROVISION, BILLING, CHANGED]
SORTS = [column for column in API_ROW if column.key]  # the sort keys the lists take
