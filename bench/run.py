"""Run the benchmarks: `make bench`, or `python bench/run.py NAME` for one of them."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "pricing_engine",
    "prospect_list",
    "prospect_import",
    "take_effect",
    "renewal_run",
    "reminders",
    "renewals_page",
    "dashboard",
    "usage_ingest",
    "reconciliation_page",
    "load",
]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    for name in sys.argv[1:] or BENCHMARKS:
        print(f"== {name}", flush=True)
        runpy.run_path(str(HERE / f"{name}.py"), run_name="__main__")
