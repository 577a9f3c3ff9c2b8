"""The company list columns are declared once (``companies.columns``): every reader follows it."""

from portal.api.serializers import CompanyRow
from portal.companies import columns
from portal.companies.models import SORTABLE
from portal.prospects.columns import FIXED


def test_every_column_a_list_sorts_by_has_its_own_index():
    assert [column.order_by for column in columns.SORTS] == SORTABLE


def test_the_api_row_has_the_declared_columns_in_their_order():
    assert list(CompanyRow().fields) == [column.api for column in columns.API_ROW]


def test_the_spreadsheet_reads_its_columns_from_the_declaration():
    assert [column.header for column in FIXED] == [column.company.sheet_label for column in FIXED]
    assert [column.key for column in FIXED] == [column.company.field for column in FIXED]
