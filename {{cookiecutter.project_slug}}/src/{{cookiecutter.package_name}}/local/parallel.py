"""The parallel scoring step run locally, the way ParallelRunStep runs it on a cluster.

- N worker processes (default: this machine's cores); each imports the entry
  script, sets ``sys.argv`` to the step's arguments and calls ``init()`` once;
- mini-batches of about ``mini_batch_size`` bytes that never cross a file
  (``minibatches``); each worker reads its mini-batch and calls ``run()``;
- a ``run()`` call that raises, returns something other than a list or a
  DataFrame, returns more rows than it was given, or outlives
  ``run_invocation_timeout`` fails its try; a hung worker is killed and
  replaced (the replacement runs ``init()`` again); a mini-batch is tried up to
  ``run_max_try`` times, then counts as failed, with all its rows;
- input rows missing from what ``run()`` returned are failed items; the run
  aborts once failed items pass ``error_threshold`` or failed mini-batches pass
  ``allowed_failed_count`` (-1 ignores either), or when ``init()`` keeps failing;
- the step's output_action is summary_only, as on Azure ML: the entry script
  gets an output folder (``--output-dir``, where Azure ML gives it
  ``EntryScript().output_dir``) and writes its scored rows there itself;
  what run() returns is only counted. Then the collect step reads that folder
  and writes the predictions file.

Worker output and logging go to ``<output>.logs/worker-<n>.log``; the run's
summary to ``<output>.logs/summary.txt``. An aborted run writes no output
file, and a stale one from an earlier run is removed first.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from ..errors import ProjectError
from ..schema import Schema
from ..settings import SETTINGS_ENV_VAR, Settings, get_settings
from ..tabular_io import file_format
from . import minibatches
from .minibatches import MiniBatch

# ParallelRunStep stops a node after this many init() failures per process.
INIT_FAILURES_PER_WORKER = 3
# How many failures the abort message quotes.
SHOWN_FAILURES = 5
# Thread pools of numeric libraries, limited to each worker's share of the cores.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT_ENTRY_SCRIPT = Path(__file__).resolve().parents[1] / "steps" / "parallel_score.py"


class ParallelRunError(ProjectError, RuntimeError):
    """The run passed a limit; the message says which, what failed and where the logs are."""


@dataclass(frozen=True)
class ParallelOptions:
    workers: int
    mini_batch_size: int  # bytes
    error_threshold: int
    allowed_failed_count: int
    run_max_try: int
    run_invocation_timeout: float
    logging_level: str = "INFO"
    entry_script: Path = DEFAULT_ENTRY_SCRIPT
    progress: bool = True

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> ParallelOptions:
        parallel = settings.parallel
        values = {
            "workers": os.cpu_count() or 1,
            "mini_batch_size": minibatches.parse_size(parallel.mini_batch_size),
            "error_threshold": parallel.error_threshold,
            "allowed_failed_count": parallel.allowed_failed_count,
            "run_max_try": parallel.run_max_try,
            "run_invocation_timeout": parallel.run_invocation_timeout,
            "logging_level": parallel.logging_level,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        if isinstance(values["mini_batch_size"], str):
            values["mini_batch_size"] = minibatches.parse_size(values["mini_batch_size"])
        options = cls(**values)
        options.check()
        return options

    def check(self) -> None:
        if self.workers < 1:
            raise ProjectError(f"--workers must be at least 1, got {self.workers}")
        if self.error_threshold < -1:
            raise ProjectError(
                f"--error-threshold must be -1 (ignore) or more, got {self.error_threshold}"
            )
        if self.run_max_try < 1:
            raise ProjectError(f"run_max_try must be at least 1, got {self.run_max_try}")
        if self.run_invocation_timeout <= 0:
            raise ProjectError(
                f"run_invocation_timeout must be positive, got {self.run_invocation_timeout}"
            )
        if not Path(self.entry_script).is_file():
            raise ProjectError(f"entry script not found: {self.entry_script}")


@dataclass
class Failure:
    batch: MiniBatch
    attempt: int
    reason: str

    def describe(self) -> str:
        return f"{self.batch.describe()} try {self.attempt}: {self.reason}"


@dataclass
class ParallelResult:
    output: Path
    rows: int
    input_rows: int
    failed_items: int
    failed_mini_batches: int
    mini_batches: int
    log_dir: Path
    failures: list[Failure] = field(default_factory=list)


# ---------------------------------------------------------------- worker side


class RunContractError(RuntimeError):
    """run() broke the ParallelRunStep contract."""


def _result_count(result, rows: int) -> int:
    """How many rows one run() result reports as scored, checked against the contract."""
    import pandas as pd

    if isinstance(result, (pd.DataFrame, list, tuple)):
        count = len(result)
    else:
        raise RunContractError(
            f"run() returned {type(result).__name__}; it must return a list or a pandas DataFrame "
            "with one element per successful input row"
        )
    if count > rows:
        raise RunContractError(
            f"run() returned {count} rows for a mini-batch of {rows} rows; it must return at most "
            "one element per input row"
        )
    return count


def _load_entry_script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise RunContractError(f"{path} has no run(mini_batch) function")
    return module


def _limit_threads(threads: int) -> None:
    """Give each worker its share of the cores.

    Workers are processes; if each also ran a thread per core (OpenMP in
    scikit-learn, BLAS), N workers would fight over the cores and spin.
    """
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(threads)  # for libraries this process has loaded already


def _worker(
    slot: int,
    connection,
    entry_script: str,
    arguments: list[str],
    log_file: str,
    level: str,
    threads: int,
    settings_file: str | None,
) -> None:
    """One worker process: init() once, then run() per mini-batch it receives."""
    _limit_threads(threads)
    # The fork server keeps the environment it started with: take the run's settings file.
    if settings_file is None:
        os.environ.pop(SETTINGS_ENV_VAR, None)
    else:
        os.environ[SETTINGS_ENV_VAR] = settings_file
    with open(log_file, "ab", buffering=0) as log:
        # Everything the entry script prints or logs lands in this worker's log file.
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        force=True,
        format=f"%(asctime)s worker {slot} %(levelname)s %(name)s: %(message)s",
    )
    sys.argv = [entry_script, *arguments]
    # Read the settings afresh, as a new process on a node would.
    get_settings.cache_clear()
    try:
        module = _load_entry_script(Path(entry_script))
        if callable(getattr(module, "init", None)):
            module.init()
        _limit_threads(threads)  # init() may have loaded the model's native libraries
        schema = Schema.from_settings(get_settings())
    except BaseException as error:  # noqa: BLE001 - report anything init() raises
        traceback.print_exc()
        connection.send(("init-failed", _one_line(error)))
        return
    connection.send(("ready", None))
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        batch, attempt = task
        rows = None
        try:
            frame = minibatches.read(batch, schema)
            rows = len(frame)
            logging.info("%s try %d: run() on %d rows", batch.describe(), attempt, rows)
            scored = _result_count(module.run(frame), rows)
            connection.send(("done", (rows, scored)))
        except BaseException as error:  # noqa: BLE001 - any failure fails this try only
            logging.error("%s try %d failed", batch.describe(), attempt)
            traceback.print_exc()
            connection.send(("failed", (_one_line(error), rows)))


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


# ---------------------------------------------------------------- parent side


@dataclass
class _Slot:
    number: int
    process: multiprocessing.Process
    connection: object
    ready: bool = False
    task: tuple[MiniBatch, int] | None = None
    started: float = 0.0


class _Run:
    def __init__(
        self,
        options: ParallelOptions,
        arguments: list[str],
        batches: list[MiniBatch],
        log_dir: Path,
        work: Path,
    ):
        # The step's output folder: the entry script writes its scored parts here.
        self.parts = work / "parts"
        self.parts.mkdir()
        self.options, self.log_dir = options, log_dir
        self.arguments = [*arguments, "--output-dir", str(self.parts)]
        self.pending = deque((batch, 1) for batch in batches)
        self.total = len(batches)
        self.done = 0
        self.input_rows = 0
        self.failed_items = 0
        self.failed_batches = 0
        self.init_failures: list[str] = []
        self.failures: list[Failure] = []
        self.progress = None
        self.threads = max(1, (os.cpu_count() or 1) // options.workers)
        # Workers start from a fork server: a fresh process that has only imported the
        # libraries. Forking this process instead would copy thread pools it may have started
        # (OpenMP once a model was trained or loaded here, pyarrow's), and a child can then
        # deadlock on a lock held by a thread that does not exist in it.
        start_method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        self.context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self.context.set_forkserver_preload([__name__])
        self.settings_file = os.environ.get(SETTINGS_ENV_VAR)
        self.slots = [self._start(number) for number in range(options.workers)]

    def _start(self, number: int) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker,
            daemon=True,
            name=f"parallel-worker-{number}",
            args=(
                number,
                child,
                str(self.options.entry_script),
                self.arguments,
                str(self.log_dir / f"worker-{number}.log"),
                self.options.logging_level,
                self.threads,
                self.settings_file,
            ),
        )
        process.start()
        child.close()
        return _Slot(number, process, parent)

    def _replace(self, slot: _Slot) -> None:
        with contextlib.suppress(Exception):
            slot.process.kill()
        slot.process.join(5)
        slot.connection.close()
        self.slots[self.slots.index(slot)] = self._start(slot.number)

    def stop(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(Exception):
                slot.connection.send(None)
        deadline = time.monotonic() + 2
        for slot in self.slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(5)
            slot.connection.close()

    def execute(self, progress) -> None:
        self.progress = progress
        while self.pending or any(slot.task for slot in self.slots):
            self._dispatch()
            ready = wait([slot.connection for slot in self.slots], timeout=self._wait_time())
            for slot in list(self.slots):
                if slot.connection in ready:
                    self._receive(slot)
            self._check_deadlines()
            self._check_limits()

    def _dispatch(self) -> None:
        for slot in self.slots:
            if slot.ready and slot.task is None and self.pending:
                slot.task = self.pending.popleft()
                slot.started = time.monotonic()
                slot.connection.send(slot.task)

    def _wait_time(self) -> float:
        busy = [
            slot.started + self.options.run_invocation_timeout for slot in self.slots if slot.task
        ]
        return max(0.01, min(busy) - time.monotonic()) if busy else 1.0

    def _receive(self, slot: _Slot) -> None:
        try:
            kind, payload = slot.connection.recv()
        except (EOFError, OSError):
            code = slot.process.exitcode
            if slot.task is not None:
                self._try_failed(slot.task, f"the worker process exited (code {code}) during run()")
                slot.task = None
            elif not slot.ready:
                self._init_failed(slot, f"the worker process exited (code {code}) during init()")
                return
            self._replace(slot)
            return
        if kind == "ready":
            slot.ready = True
        elif kind == "init-failed":
            self._init_failed(slot, payload)
        elif kind == "done":
            rows, scored = payload
            self.input_rows += rows
            self.failed_items += rows - scored
            if rows > scored:
                self.failures.append(
                    Failure(slot.task[0], slot.task[1], f"{rows - scored} of {rows} rows failed")
                )
            slot.task = None
            self._count_done()
        elif kind == "failed":
            reason, rows = payload
            self._try_failed(slot.task, reason, rows)
            slot.task = None

    def _count_done(self) -> None:
        self.done += 1
        self.progress.update(1)

    def _init_failed(self, slot: _Slot, reason: str) -> None:
        self.init_failures.append(f"worker {slot.number}: {reason}")
        slot.process.join(5)
        if len(self.init_failures) >= INIT_FAILURES_PER_WORKER * self.options.workers:
            raise ParallelRunError(
                self._message(
                    f"init() failed {len(self.init_failures)} times, the limit of ParallelRunStep "
                    f"({INIT_FAILURES_PER_WORKER} per worker); last: {self.init_failures[-1]}"
                )
            )
        self._replace(slot)

    def _try_failed(
        self, task: tuple[MiniBatch, int], reason: str, rows: int | None = None
    ) -> None:
        batch, attempt = task
        self.failures.append(Failure(batch, attempt, reason))
        if attempt < self.options.run_max_try:
            self.pending.appendleft((batch, attempt + 1))
            return
        self.failed_batches += 1
        self._count_done()
        rows = rows if rows is not None else batch.rows
        if rows:
            self.input_rows += rows
            self.failed_items += rows

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for slot in list(self.slots):
            if slot.task is not None and now - slot.started > self.options.run_invocation_timeout:
                self._try_failed(
                    slot.task,
                    f"run() timed out after {self.options.run_invocation_timeout:g} s "
                    "(run_invocation_timeout); the worker was killed and replaced",
                )
                slot.task = None
                self._replace(slot)

    def _check_limits(self) -> None:
        threshold = self.options.error_threshold
        if threshold != -1 and self.failed_items > threshold:
            raise ParallelRunError(
                self._message(
                    f"{self.failed_items} rows failed, more than the error threshold of "
                    f"{threshold}. Fix those rows (each one's reason is in the worker logs) "
                    "or raise --error-threshold "
                    "(-1 ignores failed rows)"
                )
            )
        allowed = self.options.allowed_failed_count
        if allowed != -1 and self.failed_batches > allowed:
            raise ParallelRunError(
                self._message(
                    f"{self.failed_batches} mini-batches failed after "
                    f"{self.options.run_max_try} tries, "
                    f"more than allowed_failed_count = {allowed}"
                )
            )

    def _message(self, headline: str) -> str:
        lines = [f"parallel scoring aborted: {headline}."]
        shown = [
            failure for failure in self.failures if "rows failed" not in failure.reason
        ] or self.failures
        lines += [f"  {failure.describe()}" for failure in shown[:SHOWN_FAILURES]]
        if len(shown) > SHOWN_FAILURES:
            lines.append(f"  ... and {len(shown) - SHOWN_FAILURES} more")
        lines.append(f"No predictions were written. Logs: {self.log_dir}")
        return "\n".join(lines)


def score_parallel(
    model: str | os.PathLike,
    data: str | os.PathLike,
    output: str | os.PathLike,
    settings: Settings,
    options: ParallelOptions,
    entry_arguments: list[str] | None = None,
) -> ParallelResult:
    """Score ``data`` with the entry script in parallel, then collect one predictions file."""
    from ..steps.collect_output import collect

    output = Path(output)
    output_format = file_format(output)
    log_dir = Path(f"{output}.logs")
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    # After this run the path holds this run's predictions or nothing.
    with contextlib.suppress(FileNotFoundError):
        output.unlink()
    batches = minibatches.plan(data, options.mini_batch_size)
    arguments = entry_arguments if entry_arguments is not None else ["--model-path", str(model)]
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.parallel.", dir=output.parent))
    run = None
    try:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: nothing runs behind the runner's back
        with tqdm(
            total=len(batches),
            unit="mini-batch",
            disable=not options.progress,
            file=sys.stderr,
            desc="scoring",
        ) as progress:
            run = _Run(options, arguments, batches, log_dir, work)
            try:
                run.execute(progress)
            finally:
                run.stop()
        collected = collect(run.parts, output, Schema.from_settings(settings), output_format)
    except ParallelRunError as error:
        _write_summary(log_dir, run, str(error))
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = ParallelResult(
        output=collected.path,
        rows=collected.rows,
        input_rows=run.input_rows,
        failed_items=run.failed_items,
        failed_mini_batches=run.failed_batches,
        mini_batches=run.total,
        log_dir=log_dir,
        failures=run.failures,
    )
    _write_summary(log_dir, run, f"scored {result.rows} of {result.input_rows} rows into {output}")
    return result


def _write_summary(log_dir: Path, run: _Run | None, headline: str) -> None:
    lines = [headline]
    if run is not None:
        lines += [
            f"mini-batches: {run.total} (failed: {run.failed_batches})",
            f"failed rows: {run.failed_items}",
            *(f"init: {reason}" for reason in run.init_failures),
            *(f"failure: {failure.describe()}" for failure in run.failures),
        ]
    (log_dir / "summary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
