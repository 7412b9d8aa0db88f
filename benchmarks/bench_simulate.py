"""Benchmark 1: `simulate` (vectorised) against the seed chapter's row-by-row loop.

The seed notebook builds scoring data one row at a time: random values per
column, a one-row DataFrame, appended to the growing frame
(``IrisDF.append(IrisList, True)``; ``pd.concat`` since pandas 2 removed
``append``). That loop is re-implemented here only, as the baseline. It is
timed on a small N and its rows/s extrapolated: each append copies the whole
frame, so at 10 million rows it would be slower still (the figure flatters
the baseline).

    python benchmarks/bench_simulate.py [--rows 10000000] [--baseline-rows 2000]
"""

from __future__ import annotations

import _common

SIMULATE = """
import json, time
from {pkg}.demo_data import demo_training_frame
from {pkg}.schema import Schema
from {pkg}.settings import get_settings
from {pkg}.simulate import simulate
settings = get_settings()
schema = Schema.from_settings(settings)
reference, _ = demo_training_frame(schema, settings.model.task)
start = time.perf_counter()
frame = simulate(schema, {rows}, seed=0, reference=reference)
seconds = time.perf_counter() - start
print(json.dumps({{"rows": len(frame), "seconds": seconds}}))
"""

# The seed chapter's loop (Chapter09 ML-Scoring-Pipeline.ipynb), with pd.concat for append.
SEED_LOOP = """
import json, time
import numpy as np
import pandas as pd
columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
ranges = [(4.3, 7.9), (2.0, 4.4), (1.0, 6.9), (0.1, 2.5)]
start = time.perf_counter()
frame = pd.DataFrame(columns=columns)
for _ in range({rows}):
    row = [np.round(np.random.uniform(low, high), 1) for low, high in ranges]
    one = pd.DataFrame([row], columns=columns)
    frame = one if frame.empty else pd.concat([frame, one], ignore_index=True)
seconds = time.perf_counter() - start
print(json.dumps({{"rows": len(frame), "seconds": seconds}}))
"""


def main() -> None:
    parser = _common.parser(__doc__.splitlines()[0], 10_000_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000,
                        help="rows for the row-by-row baseline (default 2,000)")
    args = parser.parse_args()
    print(f"machine: {_common.machine()}")
    project = _common.bake(_common.workdir(args.keep))
    baseline = _common.python(project, SEED_LOOP.format(rows=args.baseline_rows))
    vectorised = _common.python(project, SIMULATE.format(pkg=_common.PACKAGE, rows=args.rows))
    base_rate = baseline["rows"] / baseline["seconds"]
    rate = vectorised["rows"] / vectorised["seconds"]
    print(f"seed row-by-row loop: {baseline['rows']:,} rows in {baseline['seconds']:.2f} s "
          f"= {base_rate:,.0f} rows/s (extrapolated to {args.rows:,} rows: "
          f"{args.rows / base_rate / 3600:.1f} h at best)")
    print(f"simulate (vectorised): {vectorised['rows']:,} rows in {vectorised['seconds']:.2f} s "
          f"= {rate:,.0f} rows/s")
    print(f"ratio: simulate is {rate / base_rate:,.0f}x the seed loop's rows/s")


if __name__ == "__main__":
    main()
