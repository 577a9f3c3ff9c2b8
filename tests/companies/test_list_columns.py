"""The company list columns are declared once (``companies.columns``): every reader follows it."""

from portal.api.serializers import CompanyRow
from portal.companies import columns
from portal.companies.models import SORTABLE
from portal.prospects.columns import FIXED


def test_every_column_a_list_sorts_by_has_its_own_index():
    lists = columns.PROSPECT_LIST + columns.IN_PROGRESS_LIST + columns.COMPLETE_LIST
    # A column sorted through a join (the RFI's state on In Progress) lists few rows: no index.
    sorted_by = {column.order_by for column in lists + columns.SORTS if column.key} - {
        column.order_by for column in lists if "__" in column.order_by
    }
    assert sorted_by == set(SORTABLE)


def test_a_column_without_a_key_is_shown_but_not_sorted():
    assert not columns.PRODUCTS.key
    assert columns.PRODUCTS in columns.COMPLETE_LIST


def test_the_api_row_has_the_declared_columns_in_their_order():
    assert list(CompanyRow().fields) == [column.api for column in columns.API_ROW]


def test_the_spreadsheet_reads_its_columns_from_the_declaration():
    assert [column.header for column in FIXED] == [column.company.sheet_label for column in FIXED]
    assert [column.key for column in FIXED] == [column.company.field for column in FIXED]
