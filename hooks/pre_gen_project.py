"""Refuse answers that Azure ML or the rendered project would reject, before anything is rendered.

Cookiecutter renders this file with Jinja and runs it with its own Python. The
answers arrive as JSON inside a raw string and are parsed with ``json.loads``:
they are never pasted into code, so any answer is data. Before rendering the
file is plain Python too: the template's tests import it and call ``validate``.

Every broken rule is reported at once, each naming the key, the value, the rule
and a valid example; then the hook exits 1 and cookiecutter removes the folder.
The rules follow the Azure ML SDK v1 (azureml-core 1.61, azureml-pipeline 1.62,
azureml-train-automl-client 1.62); the SDK is not imported, users may not have it.
"""

from __future__ import annotations

import difflib
import json
import keyword
import re
import shlex
import sys

# Rendered by cookiecutter; unrendered (in tests) it is not JSON and main() is not called.
RENDERED_ANSWERS = r"""
{{ cookiecutter | tojson }}
"""

CHOICES = {
    "task_type": ("classification", "regression", "forecasting"),
    "output_format": ("csv", "parquet"),
    "ci_provider": ("github", "azure-devops", "none"),
    "python_version": ("3.11", "3.10"),
    "scoring_schedule_frequency": ("Minute", "Hour", "Day", "Week", "Month", "none"),
    "retraining_schedule_frequency": ("Minute", "Hour", "Day", "Week", "Month", "none"),
}

# azureml.train.automl.utilities.get_primary_metrics(task) in azureml-train-automl-client 1.62.
PRIMARY_METRICS = {
    "classification": (
        "AUC_weighted",
        "accuracy",
        "average_precision_score_weighted",
        "norm_macro_recall",
        "precision_score_weighted",
    ),
    "regression": (
        "normalized_mean_absolute_error",
        "normalized_root_mean_squared_error",
        "r2_score",
        "spearman_correlation",
    ),
    "forecasting": (
        "normalized_mean_absolute_error",
        "normalized_root_mean_squared_error",
        "r2_score",
        "spearman_correlation",
    ),
}

# The names of azureml.pipeline.core.schedule.TimeZone (azureml-pipeline-core 1.62), in enum order.
TIME_ZONES = (
    "DatelineStandardTime", "UTC11", "AleutianStandardTime", "HawaiianStandardTime",
    "MarquesasStandardTime", "AlaskanStandardTime", "UTC09", "PacificStandardTimeMexico",
    "UTC08", "PacificStandardTime", "USMountainStandardTime", "MountainStandardTimeMexico",
    "MountainStandardTime", "CentralAmericaStandardTime", "CentralStandardTime",
    "EasterIslandStandardTime", "CentralStandardTimeMexico", "CanadaCentralStandardTime",
    "SAPacificStandardTime", "EasternStandardTimeMexico", "EasternStandardTime",
    "HaitiStandardTime", "CubaStandardTime", "USEasternStandardTime", "ParaguayStandardTime",
    "AtlanticStandardTime", "VenezuelaStandardTime", "CentralBrazilianStandardTime",
    "SAWesternStandardTime", "PacificSAStandardTime", "TurksAndCaicosStandardTime",
    "NewfoundlandStandardTime", "TocantinsStandardTime", "ESouthAmericaStandardTime",
    "SAEasternStandardTime", "ArgentinaStandardTime", "GreenlandStandardTime",
    "MontevideoStandardTime", "SaintPierreStandardTime", "BahiaStandardTime", "UTC02",
    "MidAtlanticStandardTime", "AzoresStandardTime", "CapeVerdeStandardTime", "UTC",
    "MoroccoStandardTime", "GMTStandardTime", "GreenwichStandardTime", "WEuropeStandardTime",
    "CentralEuropeStandardTime", "RomanceStandardTime", "CentralEuropeanStandardTime",
    "WCentralAfricaStandardTime", "NamibiaStandardTime", "JordanStandardTime",
    "GTBStandardTime", "MiddleEastStandardTime", "EgyptStandardTime", "EEuropeStandardTime",
    "SyriaStandardTime", "WestBankStandardTime", "SouthAfricaStandardTime", "FLEStandardTime",
    "TurkeyStandardTime", "IsraelStandardTime", "KaliningradStandardTime", "LibyaStandardTime",
    "ArabicStandardTime", "ArabStandardTime", "BelarusStandardTime", "RussianStandardTime",
    "EAfricaStandardTime", "IranStandardTime", "ArabianStandardTime", "AstrakhanStandardTime",
    "AzerbaijanStandardTime", "RussiaTimeZone3", "MauritiusStandardTime",
    "GeorgianStandardTime", "CaucasusStandardTime", "AfghanistanStandardTime",
    "WestAsiaStandardTime", "EkaterinburgStandardTime", "PakistanStandardTime",
    "IndiaStandardTime", "SriLankaStandardTime", "NepalStandardTime", "CentralAsiaStandardTime",
    "BangladeshStandardTime", "NCentralAsiaStandardTime", "MyanmarStandardTime",
    "SEAsiaStandardTime", "AltaiStandardTime", "WMongoliaStandardTime", "NorthAsiaStandardTime",
    "TomskStandardTime", "ChinaStandardTime", "NorthAsiaEastStandardTime",
    "SingaporeStandardTime", "WAustraliaStandardTime", "TaipeiStandardTime",
    "UlaanbaatarStandardTime", "NorthKoreaStandardTime", "AusCentralWStandardTime",
    "TransbaikalStandardTime", "TokyoStandardTime", "KoreaStandardTime", "YakutskStandardTime",
    "CenAustraliaStandardTime", "AUSCentralStandardTime", "EAustraliaStandardTime",
    "AUSEasternStandardTime", "WestPacificStandardTime", "TasmaniaStandardTime",
    "VladivostokStandardTime", "LordHoweStandardTime", "BougainvilleStandardTime",
    "RussiaTimeZone10", "MagadanStandardTime", "NorfolkStandardTime", "SakhalinStandardTime",
    "CentralPacificStandardTime", "RussiaTimeZone11", "NewZealandStandardTime", "UTC12",
    "FijiStandardTime", "KamchatkaStandardTime", "ChathamIslandsStandardTime",
    "TongaStandardTime", "SamoaStandardTime", "LineIslandsStandardTime",
)

# Column types of schema.Column (the ":type" suffix); id and series-id columns are keys.
FEATURE_TYPES = ("float", "int", "str", "bool", "datetime")
KEY_TYPES = ("int", "str")
# The column the rendered project adds to every predictions file.
PREDICTION_COLUMN = "prediction"
# Reserved by Azure ML for curated environments; environment names start with the prefix.
RESERVED_PREFIXES = ("microsoft", "azureml")
# Modules the rendered project imports: a package of the same name would shadow them.
SHADOWED_MODULES = frozenset(
    {"azureml", "pandas", "numpy", "sklearn", "pyarrow", "joblib", "tomli", "pytest", "yaml"}
) | frozenset(getattr(sys, "stdlib_module_names", ()))

# Experiment/pipeline names that cookiecutter.json derives from azure_name_prefix.
DERIVED_EXPERIMENT_NAMES = (
    "__scoring_pipeline",
    "__parallel_scoring_pipeline",
    "__retraining_pipeline",
)

SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
PACKAGE = re.compile(r"[a-z_][a-z0-9_]*")
PREFIX = re.compile(r"[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
PREFIX_MAX = 19
# azureml.core.Experiment docstring: 3-36 characters, starts with a letter or a number.
EXPERIMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,35}")
# azureml/_model_management/_util.py model_name_validation.
MODEL = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9\-._]{0,254}")
DATASET = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,248}[A-Za-z0-9._-])?")
# AmlCompute names (azureml/core/compute/synapse.py _valid_compute_name, same service rule).
COMPUTE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,14}[A-Za-z0-9]")
VM_SIZE = re.compile(r"Standard_[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*", re.IGNORECASE)
COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# ParallelRunConfig accepts ^\d+([kKmMgG][bB])*$; one unit at most is what it can convert.
MINI_BATCH = re.compile(r"\d+(?:[kKmMgG][bB])?")
HH_MM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
INTEGER = re.compile(r"[+-]?\d+")
# AutoML's budget range: AutoMLBaseSettings.MIN_EXPTIMEOUT_MINUTES and
# MAXIMUM_EXPERIMENT_TIMEOUT_MINUTES (azureml-automl-core, installed with the AutoML client).
AUTOML_TIMEOUT_MINUTES = (15, 525600)
# Frequencies whose runs start at a time of day (ScheduleRecurrence hours/minutes).
TIMED_FREQUENCIES = ("Day", "Week")


class Problems:
    """Collects one message per broken rule: key, value, rule and a valid example."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, key: str, value: object, rule: str, example: str) -> None:
        fixed = f"{key}={shlex.quote(example)}"
        self.messages.append(f"{key} = {value!r}: {rule}. Valid example: {fixed}")


def validate(answers: dict) -> list[str]:
    """Every problem with ``answers`` (the cookiecutter context), as messages; empty when fine."""
    problems = Problems()
    check_free_text(answers, problems)
    check_project_names(answers, problems)
    check_azure_names(answers, problems)
    check_choices(answers, problems)
    check_columns(answers, problems)
    check_task(answers, problems)
    check_compute(answers, problems)
    check_schedules(answers, problems)
    return problems.messages


def text(answers: dict, key: str) -> str:
    """The answer as a string; missing answers read as empty (reported by the rules)."""
    value = answers.get(key, "")
    return value if isinstance(value, str) else str(value)


def check_free_text(answers: dict, problems: Problems) -> None:
    for key, example in (
        ("project_name", "Iris Batch Scoring"),
        ("description", "Batch scoring of iris flowers"),
        ("author_name", "Data Science Team"),
    ):
        value = text(answers, key)
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            problems.add(
                key, value, "must be one line without control characters (newlines, tabs): "
                "it goes into one-line metadata such as pyproject's description", example
            )
    if not text(answers, "project_name").strip():
        problems.add("project_name", text(answers, "project_name"), "must not be empty",
                     "Iris Batch Scoring")


def check_project_names(answers: dict, problems: Problems) -> None:
    slug = text(answers, "project_slug")
    if not SLUG.fullmatch(slug):
        problems.add(
            "project_slug", slug, "a repository folder and distribution name: lowercase ASCII "
            "letters and digits, words joined by single '-' or '_' (a project_name without "
            "letters or digits leaves it empty)", "iris-batch-scoring"
        )
    package = text(answers, "package_name")
    if not PACKAGE.fullmatch(package) or keyword.iskeyword(package):
        problems.add(
            "package_name", package, "must be a Python package name: lowercase ASCII letters, "
            "digits and '_', not starting with a digit, not a Python keyword", "iris_batch_scoring"
        )
    elif package in SHADOWED_MODULES:
        problems.add(
            "package_name", package, f"would shadow the module {package!r} that the project "
            "imports (standard library or a dependency); choose a name of your own",
            f"{package}_scoring"
        )


def check_azure_names(answers: dict, problems: Problems) -> None:
    prefix = text(answers, "azure_name_prefix")
    if not PREFIX.fullmatch(prefix) or len(prefix) > PREFIX_MAX:
        problems.add(
            "azure_name_prefix", prefix, f"1-{PREFIX_MAX} letters, digits and '-', starting with "
            "a letter and ending with a letter or digit (it prefixes experiment names, which "
            "Azure ML limits to 36 characters)", "iris-scoring"
        )
    elif prefix.lower().startswith(RESERVED_PREFIXES):
        problems.add(
            "azure_name_prefix", prefix, "must not start with 'Microsoft' or 'AzureML' in any "
            "case: Azure ML reserves those for curated environments", "iris-scoring"
        )
    for key in DERIVED_EXPERIMENT_NAMES:
        if key not in answers:
            continue
        value = text(answers, key)
        if not EXPERIMENT.fullmatch(value):
            problems.add(
                key, value, "an Azure ML experiment/pipeline name has 3-36 characters, starts "
                "with a letter or digit and holds only letters, digits, '_' and '-' (derived "
                "from azure_name_prefix: shorten that)", "iris-scoring"
            )
    model = text(answers, "model_name")
    if not MODEL.fullmatch(model):
        problems.add(
            "model_name", model, "an Azure ML model name has 1-255 letters, digits, '-', '.' "
            "and '_', and starts with a letter or digit", "Iris-Multi-Classification-AutoML"
        )
    datasets = (("training_dataset", "Iris Training"), ("scoring_dataset", "Iris Scoring"))
    for key, example in datasets:
        value = text(answers, key)
        if not DATASET.fullmatch(value):
            problems.add(
                key, value, "a registered dataset name has 1-250 characters: letters, digits, "
                "spaces, '-', '_' and '.', starting with a letter or digit, no leading or "
                "trailing space (no '/', '\\', ':' or other path characters)", example
            )
    if text(answers, "training_dataset") and text(answers, "training_dataset") == text(
        answers, "scoring_dataset"
    ):
        problems.add(
            "scoring_dataset", text(answers, "scoring_dataset"), "must differ from "
            "training_dataset: scoring data has no labels, training data has them", "Iris Scoring"
        )


def check_choices(answers: dict, problems: Problems) -> None:
    for key, choices in CHOICES.items():
        value = text(answers, key)
        if value not in choices:
            problems.add(key, value, f"must be one of {', '.join(choices)}", choices[0])
    flag = answers.get("score_on_new_data", False)
    if not isinstance(flag, bool):
        problems.add("score_on_new_data", flag, "must be a yes/no answer (true or false)", "false")


def split_items(value: str) -> list[str]:
    """``"a, b:int"`` -> ``["a", "b:int"]``; an empty value has no items."""
    return [item.strip() for item in value.split(",")] if value.strip() else []


# Each column answer: (key, ":type" suffixes it takes, whether it is a list, example).
COLUMN_ANSWERS = (
    ("feature_columns", FEATURE_TYPES, True, "sepal_length,petal_width,colour:str,count:int"),
    ("label_column", (), False, "species"),
    ("id_column", KEY_TYPES, False, "row_id:int"),
    ("time_column", (), False, "date"),
    ("time_series_id_columns", KEY_TYPES, True, "store,region"),
)


def column_name(spec: str, types: tuple) -> tuple[str, str | None]:
    """``"age:int"`` -> ``("age", None)``; the second item says what is wrong, if anything."""
    name, colon, kind = (part.strip() for part in spec.partition(":"))
    if not name:
        return name, "an empty column name (two commas in a row, or a comma at an end)"
    if not COLUMN.fullmatch(name):
        return name, (
            f"column name {name!r}: a column name starts with a letter or '_' and holds only "
            "ASCII letters, digits and '_'"
        )
    if colon and not types:
        return name, f"{spec!r} takes no ':type' suffix (its role decides its type)"
    if colon and kind not in types:
        return name, f"{spec!r}: the type after ':' must be one of {', '.join(types)}"
    return name, None


def check_columns(answers: dict, problems: Problems) -> None:
    """Valid, unique column names; each column plays one role; the prediction column is free."""
    named: dict[str, list[str]] = {}  # key -> its valid column names, in order
    for key, types, is_list, example in COLUMN_ANSWERS:
        value = text(answers, key)
        if key == "label_column" and value != value.strip():  # settings.toml takes it verbatim
            problems.add(key, value, "must not start or end with a space", example)
            continue
        if not value.strip():
            if key in ("feature_columns", "label_column"):
                problems.add(key, value, "must name at least one column", example)
            continue
        results = [column_name(spec, types) for spec in (value.split(",") if is_list else [value])]
        wrong = [problem for _, problem in results if problem]
        if wrong:
            problems.add(key, value, "; ".join(wrong), example)
        named[key] = [name for name, problem in results if not problem]

    # Who names what, in prompt order; a clash is reported on the list that should drop it.
    owner: dict[str, str] = {}
    clashes: dict[str, list[str]] = {}  # key -> what is wrong
    dropped: dict[str, set[int]] = {}  # key -> positions (in named[key]) to drop
    for key, names in named.items():
        for position, name in enumerate(names):
            if name == PREDICTION_COLUMN:
                blamed, reason = key, (
                    f"{PREDICTION_COLUMN!r} is the column the project adds to every predictions "
                    "file, rename that input column")
            elif name in owner:
                first = owner[name]
                blamed = "feature_columns" if "feature_columns" in (first, key) else key
                reason = f"column {name!r} is named " + (
                    "twice in this list" if first == key else f"in both {first} and {key}")
                if blamed != key:  # drop the feature; the key column owns the name now
                    position = named[blamed].index(name)
                    owner[name] = key
            else:
                owner[name] = key
                continue
            clashes.setdefault(blamed, []).append(reason)
            dropped.setdefault(blamed, set()).add(position)
    examples = {key: example for key, _, _, example in COLUMN_ANSWERS}
    for key, reasons in clashes.items():
        kept = [name for at, name in enumerate(named[key]) if at not in dropped[key]]
        example = ",".join(kept) if key.endswith("_columns") and kept else examples[key]
        rule = "; ".join(reasons) + (
            " (each column plays one role: feature, label, id, time or series id)"
            if any("named" in reason for reason in reasons) else "")
        problems.add(key, text(answers, key), rule, example)


def integer(answers: dict, key: str) -> int | None:
    """The answer as an int when it is written as one, else None."""
    value = answers.get(key, "")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    value = text(answers, key).strip()
    return int(value) if INTEGER.fullmatch(value) else None


def check_positive(answers: dict, key: str, problems: Problems, example: str, minimum: int = 1,
                   maximum: int | None = None, why: str = "") -> int | None:
    number = integer(answers, key)
    if number is None or number < minimum or (maximum is not None and number > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        problems.add(key, answers.get(key, ""), f"must be a whole number {bounds}{why}", example)
        return None
    return number


def check_task(answers: dict, problems: Problems) -> None:
    task = text(answers, "task_type")
    check_positive(answers, "forecast_horizon", problems, "14",
                   why=" (periods to forecast; required even when unused)")
    check_positive(
        answers, "experiment_timeout_minutes", problems, "15", *AUTOML_TIMEOUT_MINUTES,
        why=" (AutoML refuses budgets outside that range)"
    )
    if task == "forecasting":
        if not text(answers, "time_column").strip():
            problems.add("time_column", "", "forecasting needs the column that holds each "
                         "row's date or time", "date")
    elif task in PRIMARY_METRICS:
        for key, example in (("time_column", ""), ("time_series_id_columns", "")):
            value = text(answers, key)
            if value.strip():
                problems.add(key, value, f"only forecasting uses it; leave it empty for {task}",
                             example)
    metric = text(answers, "primary_metric")
    metrics = PRIMARY_METRICS.get(task)
    if metrics and metric != "auto" and metric not in metrics:
        close = difflib.get_close_matches(metric, metrics, n=2)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        problems.add(
            "primary_metric", metric, f"must be auto or one of the {task} metrics AutoML knows: "
            f"{', '.join(metrics)}{hint}", "auto"
        )


def check_compute(answers: dict, problems: Problems) -> None:
    name = text(answers, "compute_name")
    if not COMPUTE.fullmatch(name):
        problems.add(
            "compute_name", name, "an Azure ML compute cluster name has 2-16 characters: letters, "
            "digits and '-', starting with a letter, ending with a letter or digit",
            "cpu-cluster"
        )
    size = text(answers, "vm_size")
    if not VM_SIZE.fullmatch(size):
        problems.add(
            "vm_size", size, "must be an Azure virtual machine size name such as "
            "Standard_DS3_v2 or Standard_NC6s_v3", "Standard_DS3_v2"
        )
    check_positive(answers, "node_count", problems, "4")
    check_positive(answers, "process_count_per_node", problems, "4")
    check_positive(answers, "error_threshold", problems, "5", minimum=-1,
                   why=" (-1 ignores failed rows)")
    batch = text(answers, "mini_batch_size")  # settings.toml takes it verbatim: no strip()
    digits = re.match(r"\d+", batch)
    if not MINI_BATCH.fullmatch(batch) or not digits or int(digits.group()) == 0:
        problems.add(
            "mini_batch_size", batch, "a positive size in bytes, optionally with one unit KB, MB "
            "or GB (ParallelRunConfig's rule)", "1MB"
        )


def check_schedules(answers: dict, problems: Problems) -> None:
    for schedule in ("scoring", "retraining"):
        frequency = text(answers, f"{schedule}_schedule_frequency")
        check_positive(answers, f"{schedule}_schedule_interval", problems, "1",
                       why=" (runs every N periods of the frequency)")
        key = f"{schedule}_schedule_time"
        time = text(answers, key).strip()
        if time and not HH_MM.fullmatch(time):
            problems.add(key, time, "a time of day as HH:MM, 00:00 to 23:59", "06:00")
        elif not time and frequency in TIMED_FREQUENCIES:
            problems.add(
                key, time, f"a {frequency} schedule runs at a time of day: give it as HH:MM",
                "06:00"
            )
    zone = text(answers, "schedule_time_zone")
    if zone not in TIME_ZONES:
        close = close_time_zones(zone)
        hint = f"; closest: {', '.join(close)}" if close else ""
        problems.add(
            "schedule_time_zone", zone, "must be a name of azureml.pipeline.core.schedule.TimeZone "
            f"(Windows time zone ids without spaces, e.g. UTC, GMTStandardTime, "
            f"PacificStandardTime){hint}", close[0] if close else "UTC"
        )


def close_time_zones(zone: str) -> list[str]:
    """Up to three TimeZone names that ``zone`` probably meant, best first."""
    wanted = re.sub(r"[^a-z0-9]", "", zone.lower())
    lowered = {name.lower(): name for name in TIME_ZONES}
    if wanted in lowered:
        return [lowered[wanted]]
    containing = [name for low, name in lowered.items() if wanted and wanted in low]
    if containing:
        return sorted(containing, key=len)[:3]
    close = difflib.get_close_matches(wanted, lowered, n=3, cutoff=0.6)
    return [lowered[low] for low in close]


def main() -> int:
    problems = validate(json.loads(RENDERED_ANSWERS))
    if not problems:
        return 0
    print(f"\nThese answers cannot be used ({len(problems)} problem(s)); nothing was generated:",
          file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print("Run cookiecutter again with corrected answers (for example key=value on the command "
          "line, or --replay-file with a fixed replay file).\n", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
