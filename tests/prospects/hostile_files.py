"""Hostile upload files, made in the test: each is small on disk.

They start from a real workbook (openpyxl's) and change one part of it, the way an attacker
edits the XML inside an XLSX zip by hand.
"""

import io
import zipfile

import openpyxl

from .upload_helpers import HEADER, row

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
TYPES = "[Content_Types].xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def workbook_parts(rows=None) -> dict[str, bytes]:
    """The parts of a workbook whose first sheet holds the header and ``rows``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in [row()] if rows is None else rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def dimension_bomb() -> bytes:
    """One good prospect, a sheet that claims A1:XFD1048576 and an empty last row."""
    parts = workbook_parts()
    sheet = parts[SHEET].decode()
    start = sheet.index("<dimension ref=")
    end = sheet.index("/>", start) + 2
    sheet = sheet[:start] + '<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    sheet = sheet.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    )
    parts[SHEET] = sheet.encode()
    return zip_of(parts)


def with_shared_strings(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts, with a shared strings part declared (openpyxl writes its text inline)."""
    override = f'<Override PartName="/{STRINGS}" ContentType="{STRINGS_TYPE}"/></Types>'
    parts[TYPES] = parts[TYPES].replace(b"</Types>", override.encode())
    parts[STRINGS] = f"{SST}<si><t>Retail</t></si></sst>".encode()
    return parts


def shared_strings_bomb(unpacked_mb: int = 100, chunk: bytes = b"A" * 1024) -> bytes:
    """A workbook whose shared strings unpack to ``unpacked_mb`` MB, written as a stream so
    that the test never holds them: about 100 KB on disk for 100 MB of one letter."""
    parts = with_shared_strings(workbook_parts())
    buffer = io.BytesIO()
    one_mb = b"<si><t>" + chunk * (1024 * 1024 // len(chunk) - 1) + b"</t></si>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != STRINGS:
                archive.writestr(name, data)
        with archive.open(STRINGS, "w", force_zip64=True) as strings:
            strings.write(SST.encode())
            for _ in range(unpacked_mb):
                strings.write(one_mb)
            strings.write(b"</sst>")
    return buffer.getvalue()


def with_part(name: str, data: bytes | str, rows=None) -> bytes:
    """A good workbook with one part added or replaced."""
    parts = workbook_parts(rows)
    parts[name] = data
    return zip_of(parts)
