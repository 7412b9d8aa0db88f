"""Benchmark 3: the collect step's peak memory at N/10 and N rows (default 1M and 10M).

Bakes the template with an id column (``id_column=row_id``), so the collect
step must order rows by id across all mini-batches: the harder, external
sort path. Writes a folder of parquet parts as the parallel step would (one
per mini-batch of 250,000 rows, with the entry script's writer, ids in random
order), then runs the
collect step in a fresh process and reads that process's peak resident
memory (ru_maxrss). Goal: peak at N over peak at N/10 at most 1.5.

    python benchmarks/bench_collect_memory.py [--rows 10000000]
"""

from __future__ import annotations

import shutil

import _common

WRITE_ROWS = """
import json
from pathlib import Path
import numpy as np
from {pkg}.schema import Schema
from {pkg}.scored_parts import write_part
from {pkg}.settings import get_settings
from {pkg}.simulate import simulate
schema = Schema.from_settings(get_settings())
rows, chunk = {rows}, 250_000
order = np.random.default_rng(0).permutation(rows) + 1
width = len(str(rows))
folder = Path({path!r})
folder.mkdir()
for start in range(0, rows, chunk):
    frame = simulate(schema, min(chunk, rows - start), seed=start)
    ids = order[start:start + len(frame)].astype(str)
    frame[schema.id.name] = np.char.zfill(ids, width).astype(object)
    frame[schema.prediction_column] = np.array(["setosa", "versicolor", "virginica"],
                                               dtype=object)[ids.astype(int) % 3]
    write_part(frame, schema, folder)
print(json.dumps({{"rows": rows}}))
"""

COLLECT = """
import json, resource, time
from {pkg}.schema import Schema
from {pkg}.settings import get_settings
from {pkg}.steps.collect_output import collect
start = time.perf_counter()
result = collect({rows_dir!r}, {output!r}, Schema.from_settings(get_settings()), "csv")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"rows": result.rows, "seconds": seconds, "peak_mb": peak}}))
"""

CHECK = """
import json
import pyarrow.csv as csv
ids = csv.read_csv({path!r}, convert_options=csv.ConvertOptions(
    include_columns=["row_id"], column_types={{"row_id": "string"}})).column("row_id").to_numpy()
print(json.dumps({{"ordered_unique": bool((ids[1:] > ids[:-1]).all()), "rows": len(ids)}}))
"""


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0], 10_000_000).parse_args()
    print(f"machine: {_common.machine()}")
    work = _common.workdir(args.keep)
    project = _common.bake(work, id_column="row_id")
    peaks = {}
    for rows in (args.rows // 10, args.rows):
        rows_dir, output = work / f"parts-{rows}", work / f"predictions-{rows}.csv"
        write = WRITE_ROWS.format(pkg=_common.PACKAGE, rows=rows, path=str(rows_dir))
        _common.python(project, write)
        size = sum(part.stat().st_size for part in rows_dir.iterdir()) / 1e6
        result = _common.python(project, COLLECT.format(
            pkg=_common.PACKAGE, rows_dir=str(rows_dir), output=str(output)))
        check = _common.python(project, CHECK.format(path=str(output)))
        peaks[rows] = result["peak_mb"]
        print(f"{rows:>12,} rows ({size:,.0f} MB of parquet parts): "
              f"collect {result['seconds']:.1f} s, peak RSS {result['peak_mb']:,.0f} MB, "
              f"ordered and unique: {check['ordered_unique']}, rows {check['rows']:,}")
        shutil.rmtree(rows_dir)
        output.unlink()
    small, large = peaks[args.rows // 10], peaks[args.rows]
    print(f"ratio peak({args.rows:,}) / peak({args.rows // 10:,}): {large / small:.2f} "
          "(goal <= 1.5)")


if __name__ == "__main__":
    main()
