"""Benchmark 2: local parallel scoring with 2 workers against the single `score` step.

Same model (``train-local``), same input file (``simulate``, CSV), both run
through the rendered project's command line. Figure: wall time of
``score-parallel --workers 2`` (the parallel step and the collect step) over
wall time of ``score``. Goal: at most 0.8 on 2 cores. Both outputs are
checked to hold the same number of rows and the same prediction counts.

    python benchmarks/bench_parallel.py [--rows 10000000] [--workers 2] [--mini-batch-size 1MB]
"""

from __future__ import annotations

import os

import _common

COUNTS = """
import json
import pyarrow.csv as csv
table = csv.read_csv({path!r}, convert_options=csv.ConvertOptions(include_columns=["prediction"]))
counts = table.column("prediction").value_counts().to_pylist()
print(json.dumps({{str(item["values"]): item["counts"] for item in counts}}))
"""


def main() -> None:
    parser = _common.parser(__doc__.splitlines()[0], 10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mini-batch-size", default="1MB")
    parser.add_argument("--single-thread-baseline", action="store_true",
                        help="also time `score` with OMP_NUM_THREADS=1")
    args = parser.parse_args()
    print(f"machine: {_common.machine()}")
    work = _common.workdir(args.keep)
    project = _common.bake(work)
    model, data = work / "model.pkl", work / "scoring.csv"
    _common.cli(project, "train-local", "--output", str(model))
    seconds = _common.cli(project, "simulate", "--rows", str(args.rows), "--output", str(data))
    print(f"input: {args.rows:,} rows, {data.stat().st_size / 1e6:,.0f} MB csv "
          f"(simulate took {seconds:.1f} s)")

    single = _common.cli(project, "score", "--model", str(model), "--input", str(data),
                         "--output", str(work / "single.csv"))
    print(f"score (single step):            {single:8.1f} s  load {os.getloadavg()[0]:.2f}")
    parallel = _common.cli(project, "score-parallel", "--model", str(model), "--input", str(data),
                           "--output", str(work / "parallel.csv"), "--workers", str(args.workers),
                           "--mini-batch-size", args.mini_batch_size, "--no-progress")
    print(f"score-parallel --workers {args.workers}:     {parallel:8.1f} s  "
          f"load {os.getloadavg()[0]:.2f}")
    if args.single_thread_baseline:
        env = _common.project_env(project, OMP_NUM_THREADS="1")
        one = _common.cli(project, "score", "--model", str(model), "--input", str(data),
                          "--output", str(work / "single1.csv"), env=env)
        print(f"score, OMP_NUM_THREADS=1:       {one:8.1f} s  load {os.getloadavg()[0]:.2f}")
        print(f"ratio parallel / single-thread score: {parallel / one:.2f}")

    same = (_common.python(project, COUNTS.format(path=str(work / "single.csv")))
            == _common.python(project, COUNTS.format(path=str(work / "parallel.csv"))))
    print(f"same rows and prediction counts: {same}")
    print(f"ratio parallel / single: {parallel / single:.2f} (goal <= 0.8)")


if __name__ == "__main__":
    main()
