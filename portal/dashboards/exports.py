"""A chart's table as a download: CSV streamed, or XLSX made in memory (a few dozen rows: no
temporary file needed)."""

import io

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from portal.core.sheets import CSV, XLSX, csv_lines, write_table

from .tables import Chart


def xlsx_file(chart: Chart) -> io.BytesIO:
    target = io.BytesIO()
    write_table(target, chart.title, chart.headers, chart.rows)
    target.seek(0)
    return target


def chart_download(chart: Chart, kind: str, prefix: str):
    """The response with ``chart``'s figures as ``kind`` ("csv" or "xlsx"), named after the
    chart and today."""
    name = f"{prefix}-{chart.slug}-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = StreamingHttpResponse(csv_lines(chart.headers, chart.rows), content_type=CSV)
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return FileResponse(
        xlsx_file(chart), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX
    )
