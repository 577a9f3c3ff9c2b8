"""Files that cannot hurt: each hostile file is answered with a clear message within seconds,
with bounded memory, and its import ends."""

import random
import time
import tracemalloc

import pytest
from django.urls import reverse

from portal.companies.models import Company
from portal.core import xlsx_check
from portal.prospects.import_services import import_run, import_start
from portal.prospects.imports import read_table
from portal.prospects.models import ProspectImport

from .hostile_files import (
    SHEET,
    SST,
    STRINGS,
    dimension_bomb,
    shared_strings_bomb,
    with_part,
    with_shared_strings,
    workbook_parts,
    zip_of,
)
from .upload_helpers import HEADER, csv_bytes, row


def imported(acme, acme_admin, content: bytes, name="prospects.csv") -> ProspectImport:
    """As the worker does it: start, then run."""
    started = import_start(partner=acme, actor=acme_admin, filename=name, content=content)
    import_run(import_id=started.pk)
    return ProspectImport.objects.get(pk=started.pk)


# --- XLSX -------------------------------------------------------------------------------------


def test_a_dimension_bomb_is_imported_correctly_within_seconds(upload, acme):
    content = dimension_bomb()  # claims A1:XFD1048576, one empty last row
    assert len(content) < 10_000

    started = time.monotonic()
    response = upload(content, name="bomb.xlsx")
    seconds = time.monotonic() - started

    assert "1 prospect created, 0 updated." in response.content.decode()
    assert Company.objects.filter(partner=acme, name="Northwind Traders").exists()
    assert seconds < 10, f"took {seconds:.1f} s"


def test_a_shared_strings_bomb_is_refused_before_it_is_opened_with_bounded_memory(
    upload, acme, monkeypatch
):
    content = shared_strings_bomb(unpacked_mb=100)
    assert len(content) < 300_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open the file")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    tracemalloc.start()
    started = time.monotonic()
    response = upload(content, name="bomb.xlsx")
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    html = response.content.decode()
    assert "This XLSX file is packed unusually tightly" in html
    assert "“xl/sharedStrings.xml” unpacks from" in html and "to 100 MB" in html
    assert "at most 100:1 is read" in html
    assert not ProspectImport.objects.exists()  # refused before it was even stored
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1048576:.0f} MB"
    assert seconds < 5


def varied_strings(size: int) -> bytes:
    """Shared strings of text that packs about 4:1, as real text does: no ratio stops it."""
    text = "".join(random.Random(14).choices("ACGT", k=size))
    return f"{SST}<si><t>{text}</t></si></sst>".encode()


def test_a_part_read_whole_over_its_limit_is_refused_even_when_packed_loosely(upload, monkeypatch):
    monkeypatch.setattr(xlsx_check, "MAX_WHOLE_PART_BYTES", 256 * 1024)
    parts = with_shared_strings(workbook_parts())
    parts[STRINGS] = varied_strings(1024 * 1024)

    html = upload(zip_of(parts), name="big.xlsx").content.decode()

    assert "The part “xl/sharedStrings.xml” of this XLSX file unpacks to 1 MB" in html
    assert "at most 256 KB are read for a part other than a sheet" in html


def test_a_file_that_unpacks_beyond_the_total_limit_is_refused(upload, monkeypatch):
    monkeypatch.setattr(xlsx_check, "MAX_UNPACKED_BYTES", 10_000)

    html = upload(zip_of(workbook_parts()), name="p.xlsx").content.decode()

    assert "This XLSX file unpacks to" in html and "at most 10 KB are read" in html


def test_a_shared_strings_part_cannot_pass_for_a_sheet_by_its_name(upload, monkeypatch):
    monkeypatch.setattr(xlsx_check, "MAX_WHOLE_PART_BYTES", 256 * 1024)
    parts = with_shared_strings(workbook_parts())
    parts["xl/worksheets/strings.xml"] = varied_strings(512 * 1024)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        f"/{STRINGS}".encode(), b"/xl/worksheets/strings.xml"
    )
    del parts[STRINGS]

    html = upload(zip_of(parts), name="p.xlsx").content.decode()

    assert "The part “xl/worksheets/strings.xml” of this XLSX file unpacks to" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (zip_of({"notes.txt": "hello"}), "This file is a zip archive but not an XLSX workbook"),
        (
            zip_of({k: v for k, v in workbook_parts().items() if k != "xl/workbook.xml"}),
            "not an XLSX workbook (it has no “xl/workbook.xml”",
        ),
        (
            zip_of({k: v for k, v in workbook_parts().items() if k != "[Content_Types].xml"}),
            "not an XLSX workbook",
        ),
        (with_part("../../evil.xml", "<x/>"), "it holds a part named “../../evil.xml”"),
        (with_part("xl//double.xml", "<x/>"), "it holds a part named “xl//double.xml”"),
        (with_part("/etc/passwd", "x"), "it holds a part named “/etc/passwd”"),
        (with_part("a/b/c/d/e/f/g/h/i.xml", "x"), "it holds a part named"),
        (
            zip_of({**workbook_parts(), **{f"junk/{n}.xml": "" for n in range(501)}}),
            "holds 510 parts",
        ),
        (b"PK\x03\x04 not really a zip", "This is not an XLSX file that can be read."),
    ],
    ids=[
        "no-workbook-at-all",
        "no-workbook-part",
        "no-content-types",
        "parent-path",
        "empty-step",
        "absolute-path",
        "nested-too-deep",
        "too-many-parts",
        "not-a-zip",
    ],
)
def test_a_zip_that_is_not_a_workbook_is_refused(upload, content, message):
    html = upload(content, name="p.xlsx").content.decode()

    assert message in html
    assert not ProspectImport.objects.exists()


def test_a_workbook_with_xml_entities_is_refused_not_expanded(upload):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&c;</t></si></sst>"
    )
    parts = with_shared_strings(workbook_parts())
    parts[STRINGS] = laughs.encode()

    upload_id_html = upload(zip_of(parts), name="p.xlsx").content.decode()

    assert "This is not an XLSX file that can be read." in upload_id_html
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    "junk",
    [
        b'<row r="3">' + b"<c/>" * 200_000 + b"</row>",
        b"<x/>" * 200_000,
    ],
    ids=["one-row-of-200000-cells", "200000-elements-between-rows"],
)
def test_a_sheet_whose_xml_would_pile_up_in_memory_is_refused(upload, junk):
    parts = workbook_parts()
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", junk + b"</sheetData>")
    content = zip_of(parts)
    assert len(content) < 20_000

    tracemalloc.start()
    html = upload(content, name="p.xlsx").content.decode()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert "A row of the sheet “xl/worksheets/sheet1.xml” in this XLSX file holds more" in html
    assert "than 100,000 XML elements" in html
    assert ProspectImport.objects.get().status == ProspectImport.Status.INVALID
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1048576:.0f} MB"


def test_a_part_read_whole_with_too_many_elements_is_refused(upload, monkeypatch):
    monkeypatch.setattr(xlsx_check, "MAX_ELEMENTS_PER_PART", 1_000)
    parts = with_shared_strings(workbook_parts())
    parts[STRINGS] = (SST + "<si><t>x</t></si>" * 600 + "</sst>").encode()

    html = upload(zip_of(parts), name="p.xlsx").content.decode()

    assert "The part “xl/sharedStrings.xml” of this XLSX file holds more than 1,000" in html


def test_a_damaged_sheet_is_not_imported_and_says_so(upload):
    parts = workbook_parts()
    # A shared string that does not exist: the reader fails in the middle of the rows.
    parts[SHEET] = parts[SHEET].replace(
        b"</sheetData>", b'<row r="3"><c r="A3" t="s"><v>99</v></c></row></sheetData>'
    )

    html = upload(zip_of(parts), name="p.xlsx").content.decode()

    assert "This is not an XLSX file that can be read. Its first sheet is damaged." in html
    assert ProspectImport.objects.get().status == ProspectImport.Status.INVALID


def test_a_sheet_row_is_read_only_as_wide_as_the_header(acme, acme_admin, catalog):
    parts = workbook_parts()
    # A value far to the right of the last named column is not read at all.
    parts[SHEET] = parts[SHEET].replace(
        b"</row></sheetData>", b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )

    header, rows = read_table("p.xlsx", zip_of(parts))

    assert header == HEADER
    assert [len(cells) for cells in rows] == [len(HEADER)]


def test_rows_beyond_the_last_excel_row_are_not_read(acme, acme_admin, catalog):
    parts = workbook_parts()
    parts[SHEET] = parts[SHEET].replace(
        b"</sheetData>",
        b'<row r="999999999"><c r="A999999999" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData>",
    )
    content = zip_of(parts)

    started = time.monotonic()
    upload = imported(acme, acme_admin, content, name="p.xlsx")

    assert upload.status == ProspectImport.Status.DONE
    assert upload.created_count == 1
    assert time.monotonic() - started < 10


# --- CSV --------------------------------------------------------------------------------------


def csv_with(raw: bytes, column="Company Name", encoding="utf-8") -> bytes:
    """Two prospects; in the second, ``column`` holds the raw bytes given."""
    content = csv_bytes(
        [row("Café Zürich AG", "cafe.example"), row(**{column: "XXX"})], encoding=encoding
    )
    return content.replace(b"XXX", raw)


@pytest.mark.parametrize(
    ("raw", "column", "message"),
    [
        (b"North\x00wind", "Company Name", "This cell holds a NUL character (a zero byte)"),
        (b"x" * 200_000, "Website", "This cell holds 200,000 characters; at most 1,000"),
        (b"North\xffwind", "Company Name", "a byte that is not text (0xFF)"),
        (b"North\x07wind", "Domain", "a control character (U+0007)"),
        (b"North\x1bwind", "Sector", "a control character (U+001B)"),
    ],
    ids=["nul", "huge-cell", "undecodable", "bell", "escape"],
)
def test_a_bad_csv_cell_is_a_row_error_with_its_row_and_column(
    acme, acme_admin, catalog, raw, column, message
):
    upload = imported(acme, acme_admin, csv_with(raw, column))

    assert upload.status == ProspectImport.Status.INVALID
    [(number, where, problem)] = upload.errors
    assert (number, where) == (3, column)
    assert message in problem
    assert not Company.objects.exists()


def test_a_huge_cell_in_the_header_row_is_refused_with_a_short_message(acme, acme_admin, catalog):
    content = csv_bytes([row()], header=[*HEADER[:-1], "y" * 200_000])

    upload = imported(acme, acme_admin, content)

    assert upload.status == ProspectImport.Status.INVALID
    assert upload.message.startswith("Unknown columns: “yyy")
    assert len(upload.message) < 200


def test_a_windows_1252_byte_with_no_character_is_a_row_error(acme, acme_admin, catalog):
    content = csv_with(b"North\x81wind", encoding="cp1252")

    upload = imported(acme, acme_admin, content)

    [(number, where, problem)] = upload.errors
    assert (number, where) == (3, "Company Name")
    assert "a byte that is not text (0x81)" in problem


def test_a_utf8_file_with_one_bad_byte_keeps_its_other_accents(catalog):
    header, rows = read_table("p.csv", csv_with(b"North\xffwind"))

    first, second = list(rows)
    assert first[HEADER.index("Company Name")] == "Café Zürich AG"
    assert second[HEADER.index("Company Name")] == "North\udcffwind"


def test_a_utf16_file_is_refused_with_what_to_do(upload):
    content = "\ufeff".encode("utf-16-le") + ",".join(HEADER).encode("utf-16-le")

    html = upload(b"\xff\xfe" + content[2:], name="p.csv").content.decode()

    assert "This file is UTF-16 text: save it as “CSV UTF-8” or as .xlsx." in html


def test_a_website_longer_than_it_may_be_is_a_row_error_not_a_database_fault(
    acme, acme_admin, catalog
):
    long_site = "https://example.com/" + "a" * 300
    upload = imported(acme, acme_admin, csv_bytes([row(Website=long_site)]))

    [(number, where, problem)] = upload.errors
    assert (number, where) == (2, "Website")
    assert "at most 200 characters" in problem


# --- the problems download --------------------------------------------------------------------


def test_the_problems_download_is_formula_safe(client, upload):
    upload(csv_bytes([row(**{"Implementation Lead E-mail": "=HYPERLINK(1)"})]))
    upload_id = ProspectImport.objects.get().pk

    lines = (
        client.get(reverse("prospects:upload_errors", args=[upload_id]))
        .content.decode("utf-8-sig")
        .splitlines()
    )

    assert lines[1].startswith("2,Implementation Lead E-mail,'=HYPERLINK(1) is not an active")
