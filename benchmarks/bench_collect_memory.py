"""Benchmark 3: the collect step's peak memory at N/10 and N rows (default 1M and 10M).

Bakes the template with an id column (``id_column=row_id``), so the collect
step must order rows by id across all mini-batches: the harder, external
sort path. Writes an appended-rows file as the parallel step would (JSON
lines from the entry script's encoder, ids in random order), then runs the
collect step in a fresh process and reads that process's peak resident
memory (ru_maxrss). Goal: peak at N over peak at N/10 at most 1.5.

    python benchmarks/bench_collect_memory.py [--rows 10000000]
"""

from __future__ import annotations

import _common

WRITE_ROWS = """
import json
import numpy as np
from {pkg}.row_lines import encode_rows
from {pkg}.schema import Schema
from {pkg}.settings import get_settings
from {pkg}.simulate import simulate
schema = Schema.from_settings(get_settings())
rows, chunk = {rows}, 250_000
order = np.random.default_rng(0).permutation(rows) + 1
width = len(str(rows))
with open({path!r}, "w", encoding="ascii") as handle:
    for start in range(0, rows, chunk):
        frame = simulate(schema, min(chunk, rows - start), seed=start)
        ids = order[start:start + len(frame)].astype(str)
        frame[schema.id.name] = np.char.zfill(ids, width).astype(object)
        frame[schema.prediction_column] = np.array(["setosa", "versicolor", "virginica"],
                                                   dtype=object)[ids.astype(int) % 3]
        handle.writelines(line + "\\n" for line in encode_rows(frame))
print(json.dumps({{"rows": rows}}))
"""

COLLECT = """
import json, resource, time
from {pkg}.schema import Schema
from {pkg}.settings import get_settings
from {pkg}.steps.collect_output import collect
start = time.perf_counter()
result = collect({rows_file!r}, {output!r}, Schema.from_settings(get_settings()), "csv")
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
        rows_file, output = work / f"rows-{rows}.jsonl", work / f"predictions-{rows}.csv"
        write = WRITE_ROWS.format(pkg=_common.PACKAGE, rows=rows, path=str(rows_file))
        _common.python(project, write)
        size = rows_file.stat().st_size / 1e6
        result = _common.python(project, COLLECT.format(
            pkg=_common.PACKAGE, rows_file=str(rows_file), output=str(output)))
        check = _common.python(project, CHECK.format(path=str(output)))
        peaks[rows] = result["peak_mb"]
        print(f"{rows:>12,} rows ({size:,.0f} MB of JSON lines): "
              f"collect {result['seconds']:.1f} s, peak RSS {result['peak_mb']:,.0f} MB, "
              f"ordered and unique: {check['ordered_unique']}, rows {check['rows']:,}")
        rows_file.unlink()
        output.unlink()
    small, large = peaks[args.rows // 10], peaks[args.rows]
    print(f"ratio peak({args.rows:,}) / peak({args.rows // 10:,}): {large / small:.2f} "
          "(goal <= 1.5)")


if __name__ == "__main__":
    main()
