"""Run the benchmarks: `make bench`, or `python bench/run.py NAME …` for some of them.

Each runs in a process of its own, one after another: each sets Django up for its own
database, and one that ends (with its verdict, or an error) does not end the others. The exit
code is 1 when any of them failed.
"""

import subprocess
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
    names = sys.argv[1:] or BENCHMARKS
    if unknown := [name for name in names if name not in BENCHMARKS]:
        sys.exit(f"No such benchmark: {', '.join(unknown)} (they are: {', '.join(BENCHMARKS)})")
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        if subprocess.call([sys.executable, str(HERE / f"{name}.py")], cwd=HERE.parent):
            failed.append(name)
    if failed:
        sys.exit(f"== failed or missed its target: {', '.join(failed)}")
