"""A chart's table as an XLSX file in memory (a few dozen rows: no temporary file needed)."""

import io

from portal.core.sheets import write_table

from .tables import Chart


def xlsx_file(chart: Chart) -> io.BytesIO:
    target = io.BytesIO()
    write_table(target, chart.title, chart.headers, chart.rows)
    target.seek(0)
    return target
