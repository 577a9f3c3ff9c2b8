"""A chart's figures as a table: the one declaration behind the table under the chart, and
its CSV and XLSX downloads."""

from dataclasses import dataclass, field

from portal.core.charts import Drawing
from portal.core.sheets import Cell


@dataclass
class Chart:
    slug: str  # its downloads' name and the page's anchor
    title: str
    summary: str  # what it shows, in one sentence: the SVG's description too
    drawing: Drawing | None
    headers: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    empty: str = ""  # said instead of the chart when there is nothing to draw

    @property
    def money_columns(self) -> set[int]:
        return {n for n, header in enumerate(self.headers) if header.endswith(")")}
