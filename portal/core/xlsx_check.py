"""An uploaded XLSX file judged by its zip directory, before any of its parts is unpacked.

An XLSX file is a zip of XML parts. A small file can unpack to gigabytes (a "zip bomb"), and the
shared strings, styles and workbook parts are read whole into memory, so the sizes the directory
declares are checked first. They can be trusted: Python's zipfile stops reading a part at its
declared size, and a part that holds more fails its checksum (the file is then unreadable).

The limits, and why:
- at most ``MAX_PARTS`` parts: a workbook of prospects or billed seats has a dozen;
- at most ``MAX_UNPACKED_BYTES`` in all: the export of 200,000 prospects with six products
  unpacks to 165 MB (its sheet is read as a stream: this bounds time, not memory);
- at most ``MAX_WHOLE_PART_BYTES`` for each part other than a worksheet, since those are read
  whole (200,000 rows of distinct names, domains and websites need about 30 MB of shared
  strings);
- no part over ``RATIO_FROM_BYTES`` packed tighter than ``MAX_RATIO``:1; sheets from Excel,
  LibreOffice and the export pack 5–20:1, only a file made to blow up packs tighter.

An upload may hold its files to a lower total (``unpacked_size(content, most=…)``: the upload
of billed seats, read while the web request waits). Before the rows are read
(``uploads.read_table``), ``check_elements`` counts the XML elements of each part as a stream:
the reader keeps every element of a part read whole, and of a sheet everything between two
rows, in memory.
"""

import io
import re
import zipfile
import zlib

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

MB = 1024 * 1024
MAX_PARTS = 500
MAX_UNPACKED_BYTES = 256 * MB
MAX_WHOLE_PART_BYTES = 48 * MB
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 * MB
MAX_NAME_LENGTH = 255
MAX_NAME_DEPTH = 8
MAX_ELEMENTS_PER_ROW = 100_000  # a row of all 16,384 columns holds about 50,000
MAX_ELEMENTS_PER_PART = 2_000_000  # the shared strings of 200,000 rows hold about 1.2 million
SCAN_CHUNK = 1024 * 1024
ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
UNREADABLE = "This is not an XLSX file that can be read."
RESAVE = "Open it in your spreadsheet program and save it again as .xlsx, or save it as CSV."
ODD_NAME = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")


class ArchiveRefused(Exception):
    """The XLSX file is refused before it is opened; the message says why, for the uploader."""


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1024:,.0f} KB"


def unpacked_size(content: bytes, *, most: int | None = None) -> int:
    """The bytes the file unpacks to; raises ArchiveRefused if it is not a workbook that is
    safe to open, or unpacks to more than ``most`` (by default ``MAX_UNPACKED_BYTES``)."""
    most = MAX_UNPACKED_BYTES if most is None else most
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ArchiveRefused(UNREADABLE) from exc
    if len(parts) > MAX_PARTS:
        raise ArchiveRefused(
            f"This XLSX file holds {len(parts):,} parts; a workbook of a list has a few, and "
            f"at most {MAX_PARTS} are read. {RESAVE}"
        )
    _check_names(parts)
    total = sum(part.file_size for part in parts)
    if total > most:
        raise ArchiveRefused(
            f"This XLSX file unpacks to {_mb(total)}; at most {_mb(most)} are read. "
            "Split it into smaller files, or save it as CSV."
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise ArchiveRefused(
                f"This XLSX file is packed unusually tightly: its part “{part.filename}” unpacks "
                f"from {_mb(part.compress_size)} to {_mb(part.file_size)} ({ratio:,.0f}:1, at "
                f"most {MAX_RATIO}:1 is read). {RESAVE}"
            )
    by_name = {part.filename: part for part in parts}
    if WORKBOOK not in by_name or CONTENT_TYPES not in by_name:
        raise ArchiveRefused(
            f"This file is a zip archive but not an XLSX workbook (it has no “{WORKBOOK}” or "
            f"no “{CONTENT_TYPES}”). {RESAVE}"
        )
    worksheets = _worksheets(archive, by_name[CONTENT_TYPES])
    for part in parts:
        if part.filename not in worksheets and part.file_size > MAX_WHOLE_PART_BYTES:
            raise ArchiveRefused(
                f"The part “{part.filename}” of this XLSX file unpacks to {_mb(part.file_size)}; "
                f"at most {_mb(MAX_WHOLE_PART_BYTES)} are read for a part other than a sheet. "
                "Split the file into smaller ones, or save it as CSV."
            )
    return total


def _check_names(parts: list[zipfile.ZipInfo]) -> None:
    seen = set()
    for part in parts:
        name = part.filename
        steps = name.rstrip("/").split("/")
        odd = (
            not name
            or len(name) > MAX_NAME_LENGTH
            or name.startswith("/")
            or ODD_NAME.search(name)
            or len(steps) > MAX_NAME_DEPTH
            or any(step in ("", ".", "..") for step in steps)
            or name.lower() in seen
        )
        if odd:
            raise ArchiveRefused(
                f"This file is not an XLSX workbook that can be read: it holds a part named "
                f"“{name[:80]}”, which a spreadsheet program does not write. {RESAVE}"
            )
        seen.add(name.lower())
        if part.flag_bits & 0x1:
            raise ArchiveRefused(
                "This XLSX file is encrypted: remove its password and upload it again."
            )
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveRefused(f"{UNREADABLE} {RESAVE}")


def _worksheets(archive: zipfile.ZipFile, content_types: zipfile.ZipInfo) -> set[str]:
    """The parts declared as worksheets and as nothing else: the parts read as a stream."""
    if content_types.file_size > MB:
        raise ArchiveRefused(f"{UNREADABLE} {RESAVE}")
    try:
        root = ElementTree.fromstring(archive.read(content_types))
    except (DefusedXmlException, ElementTree.ParseError, zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveRefused(f"{UNREADABLE} {RESAVE}") from exc
    types: dict[str, set[str]] = {}
    for override in root.iter(f"{TYPES_NS}Override"):
        name = (override.get("PartName") or "").lstrip("/")
        types.setdefault(name, set()).add(override.get("ContentType") or "")
    return {name for name, declared in types.items() if declared == {WORKSHEET_TYPE}}


def check_elements(content: bytes) -> None:
    """Refuses a file whose XML would pile up in memory while it is read; call it after
    ``unpacked_size``. Costs one unpacking of the file, in chunks of a megabyte."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    worksheets = _worksheets(archive, archive.getinfo(CONTENT_TYPES))
    for part in archive.infolist():
        if not part.filename.endswith((".xml", ".rels")):
            continue  # pictures and the like are not read as XML
        try:
            if part.filename in worksheets:
                most = _most_elements(archive, part, between=ROW_START)
                if most > MAX_ELEMENTS_PER_ROW:
                    raise ArchiveRefused(
                        f"A row of the sheet “{part.filename}” in this XLSX file holds more than "
                        f"{MAX_ELEMENTS_PER_ROW:,} XML elements (a row of a list holds a few "
                        f"dozen). {RESAVE}"
                    )
            elif _most_elements(archive, part) > MAX_ELEMENTS_PER_PART:
                raise ArchiveRefused(
                    f"The part “{part.filename}” of this XLSX file holds more than "
                    f"{MAX_ELEMENTS_PER_PART:,} XML elements. {RESAVE}"
                )
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ArchiveRefused(UNREADABLE) from exc


def _starts(xml: bytes) -> int:
    """Element start tags in a piece of XML (comments and the like counted too: never fewer)."""
    return xml.count(b"<") - xml.count(b"</") - xml.count(b"<?") - xml.count(b"<!")


def _most_elements(archive: zipfile.ZipFile, part: zipfile.ZipInfo, between=None) -> int:
    """The most elements in the part, or between two starts of ``between`` (a sheet's rows)."""
    run = most = 0
    carry = b""
    with archive.open(part) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            data = carry + chunk
            # A tag cut by the chunk's end is counted with the next chunk.
            cut = data.rfind(b"<", max(0, len(data) - 256))
            body, carry = (data, b"") if cut == -1 else (data[:cut], data[cut:])
            pieces = between.split(body) if between else [body]
            run += _starts(pieces[0])
            most = max(most, run)
            for piece in pieces[1:]:
                run = 1 + _starts(piece)
                most = max(most, run)
    return max(most, run + _starts(carry))
