"""Schedules from the settings, applied by name so that applying twice changes nothing.

What the settings ask for becomes a list of :class:`ScheduleSpec` first,
checked completely (``ScheduleRecurrence.validate()`` included) before the
workspace is asked anything. Then each spec is compared with the schedules
of the same name in the workspace:

- none: it is created, on the pipeline's endpoint (so a newly published
  default version is what the schedule runs, with no rescheduling);
- one that targets the same endpoint and has the same shape: left alone
  (re-enabled if it was disabled);
- one with another recurrence or polling interval: updated in place;
- one that targets something else (another endpoint, a published pipeline id,
  or the other kind of trigger), which ``Schedule.update`` cannot change:
  disabled, and a new one created. Later applies find the new one and leave
  the disabled one alone, so the set of active schedules stays the same.

A frequency of ``none`` (or ``score_on_new_data = false``) disables any
schedule of that name. Schedules are disabled, never deleted: SDK v1 has no
delete, and the studio of SDK v2 cannot show v1 schedules.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..errors import ProjectError
from ..settings import Recurrence, Settings
from . import time_zones
from .publish import require_endpoint

FREQUENCIES = ("Minute", "Hour", "Day", "Week", "Month")
# ScheduleRecurrence accepts hours and minutes only for these frequencies.
TIME_OF_DAY_FREQUENCIES = ("Day", "Week")
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
RECURRING_PIPELINES = ("scoring", "retraining")
NEW_DATA_PIPELINE = "scoring"


class ScheduleSettingsError(ProjectError):
    """The schedule settings cannot become a valid Azure ML schedule."""


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule the settings ask for (``enabled=False``: one that must not run)."""

    name: str
    pipeline: str
    experiment_name: str
    enabled: bool
    time_zone: str
    frequency: str | None = None  # None for a new-data schedule
    interval: int = 1
    hours: tuple[int, ...] | None = None
    minutes: tuple[int, ...] | None = None
    start_time: dt.datetime | None = None  # naive: wall-clock time in time_zone
    anchored: bool = False  # the start's time of day comes from the settings (HH:MM)
    path_on_datastore: str | None = None
    polling_interval: int | None = None

    @property
    def on_new_data(self) -> bool:
        return self.frequency is None

    def recurrence(self):
        from azureml.pipeline.core import ScheduleRecurrence
        from azureml.pipeline.core.schedule import TimeZone

        return ScheduleRecurrence(
            frequency=self.frequency,
            interval=self.interval,
            start_time=self.start_time,
            time_zone=TimeZone[self.time_zone],
            hours=list(self.hours) if self.hours is not None else None,
            minutes=list(self.minutes) if self.minutes is not None else None,
        )

    def describe(self) -> str:
        if self.on_new_data:
            return (
                f"when files land in {self.path_on_datastore}/ "
                f"(checked every {self.polling_interval} min)"
            )
        return describe_recurrence(self.recurrence())


def schedule_name(settings: Settings, pipeline: str) -> str:
    return f"{settings.pipeline_name(pipeline)}-schedule"


def new_data_schedule_name(settings: Settings) -> str:
    return f"{settings.pipeline_name(NEW_DATA_PIPELINE)}-on-new-data"


def project_schedule_names(settings: Settings) -> tuple[str, ...]:
    return (
        *(schedule_name(settings, p) for p in RECURRING_PIPELINES),
        new_data_schedule_name(settings),
    )


def desired_schedules(settings: Settings, now: dt.datetime | None = None) -> list[ScheduleSpec]:
    """Every schedule of the project as the settings describe it; raises before any service call."""
    zone = settings.schedules.time_zone
    _check_time_zone(zone)
    specs = []
    for pipeline in RECURRING_PIPELINES:
        recurrence = getattr(settings.schedules, pipeline)
        specs.append(_recurring_spec(settings, pipeline, recurrence, zone, now))
    polling = settings.schedules.new_data_polling_minutes
    if settings.schedules.score_on_new_data and polling < 1:
        raise ScheduleSettingsError(
            f"schedules.new_data_polling_minutes must be at least 1, got {polling}"
        )
    specs.append(
        ScheduleSpec(
            name=new_data_schedule_name(settings),
            pipeline=NEW_DATA_PIPELINE,
            experiment_name=settings.pipeline_name(NEW_DATA_PIPELINE),
            enabled=settings.schedules.score_on_new_data,
            time_zone=zone,
            path_on_datastore=settings.azure.scoring_data_path,
            polling_interval=polling,
        )
    )
    return specs


def _check_time_zone(zone: str) -> None:
    from azureml.pipeline.core.schedule import TimeZone

    if zone not in TimeZone.__members__:
        raise ScheduleSettingsError(
            f"schedules.time_zone {zone!r} is not a name of "
            "azureml.pipeline.core.schedule.TimeZone "
            "(e.g. UTC, GMTStandardTime, WEuropeStandardTime, PacificStandardTime)"
        )


def _recurring_spec(
    settings, pipeline: str, recurrence: Recurrence, zone: str, now
) -> ScheduleSpec:
    where = f"schedules.{pipeline}"
    common = dict(
        name=schedule_name(settings, pipeline),
        pipeline=pipeline,
        experiment_name=settings.pipeline_name(pipeline),
        time_zone=zone,
    )
    if recurrence.frequency == "none":
        return ScheduleSpec(enabled=False, **common)
    if recurrence.frequency not in FREQUENCIES:
        raise ScheduleSettingsError(
            f"{where}.frequency {recurrence.frequency!r} is not one of "
            f"{', '.join(FREQUENCIES)}, none"
        )
    time = recurrence.time.strip()
    match = TIME_PATTERN.match(time)
    if time and not match:
        raise ScheduleSettingsError(
            f"{where}.time {time!r} is not a time of day HH:MM (00:00 to 23:59)"
        )
    if not time and recurrence.frequency in TIME_OF_DAY_FREQUENCIES:
        raise ScheduleSettingsError(
            f"{where}.time is empty, but a {recurrence.frequency} schedule runs at a time of day: "
            "give it as HH:MM"
        )
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        # The first run is the next HH:MM in the schedule's zone, never "now".
        start = time_zones.next_occurrence(hour, minute, zone, now)
    else:
        # No time of day (Month, Hour, Minute): start at the next whole hour, not "now".
        hour = minute = None
        start = time_zones.next_whole_hour(zone, now)
    at_time_of_day = recurrence.frequency in TIME_OF_DAY_FREQUENCIES and match
    spec = ScheduleSpec(
        enabled=True,
        frequency=recurrence.frequency,
        interval=recurrence.interval,
        hours=(hour,) if at_time_of_day else None,
        minutes=(minute,) if at_time_of_day else None,
        start_time=start,
        anchored=bool(match),
        **common,
    )
    try:
        spec.recurrence().validate()
    except ValueError as error:
        raise ScheduleSettingsError(f"{where} is not a valid Azure ML schedule: {error}") from None
    return spec


# --- comparing with what the workspace holds -------------------------------------------------


def _zone_name(time_zone) -> str:
    return getattr(time_zone, "name", None) or str(time_zone or "UTC")


def _start(value) -> dt.datetime | None:
    """A recurrence's start time as naive wall-clock time, whatever form the service returns."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    text = str(value).replace("Z", "")
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def same_recurrence(existing, spec: ScheduleSpec) -> bool:
    """Whether an existing recurrence already runs as ``spec`` asks (start dates may differ)."""
    if existing is None:
        return False
    if (existing.frequency, existing.interval) != (spec.frequency, spec.interval):
        return False
    if _zone_name(existing.time_zone) != spec.time_zone:
        return False
    if list(existing.hours or []) != list(spec.hours or []):
        return False
    if list(existing.minutes or []) != list(spec.minutes or []):
        return False
    if spec.hours is None and spec.anchored:
        # Month, Hour and Minute schedules with a time keep their start's time of day;
        # without one, any start will do (re-applying must not move a monthly run).
        start = _start(existing.start_time)
        return start is not None and start.time() == spec.start_time.time()
    return True


def same_trigger(existing, spec: ScheduleSpec, datastore_name: str | None) -> bool:
    return (
        existing.recurrence is None
        and existing.datastore_name == datastore_name
        and (existing.path_on_datastore or "") == spec.path_on_datastore
        and existing.polling_interval == spec.polling_interval
    )


@dataclass(frozen=True)
class Change:
    name: str
    action: str  # created, updated, enabled, unchanged, disabled, absent
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.action}" + (f" ({self.detail})" if self.detail else "")


def _by_name(workspace, names, workflow_provider) -> dict[str, list]:
    from azureml.pipeline.core import Schedule

    found: dict[str, list] = {name: [] for name in names}
    for schedule in Schedule.list(
        workspace, active_only=False, _workflow_provider=workflow_provider
    ):
        if schedule.name in found:
            found[schedule.name].append(schedule)
    return found


def apply_schedules(
    workspace, settings: Settings, *, workflow_provider=None, now: dt.datetime | None = None
) -> list[Change]:
    """Make the workspace's schedules match the settings; returns what was done, per schedule."""
    from azureml.pipeline.core import Schedule

    specs = desired_schedules(settings, now)  # every check that needs no service call
    wanted = [spec for spec in specs if spec.enabled]
    datastore = None
    if any(spec.on_new_data for spec in wanted):
        datastore = workspace.get_default_datastore()
        if datastore.datastore_type != "AzureBlob":
            raise ScheduleSettingsError(
                f"score_on_new_data watches the default datastore {datastore.name!r}, which is "
                f"{datastore.datastore_type}: new-data schedules need an Azure Blob datastore "
                "(set schedules.score_on_new_data = false, or make a blob datastore the default)"
            )
    endpoints = {
        spec.pipeline: require_endpoint(workspace, settings, spec.pipeline, workflow_provider)
        for spec in wanted
    }
    existing = _by_name(workspace, [spec.name for spec in specs], workflow_provider)
    changes = []
    for spec in specs:
        same_name = existing[spec.name]
        if not spec.enabled:
            active = [s for s in same_name if s.status == "Active"]
            for schedule in active:
                schedule.disable(wait_for_provisioning=True)
            changes.append(
                Change(spec.name, "disabled" if active else "absent", "not in the settings")
            )
            continue
        endpoint = endpoints[spec.pipeline]

        def targets_endpoint(schedule, endpoint_id=endpoint.id, new_data=spec.on_new_data):
            kind_matches = (schedule.recurrence is None) == new_data
            return schedule.pipeline_endpoint_id == endpoint_id and kind_matches

        candidates = sorted(
            (s for s in same_name if targets_endpoint(s)), key=lambda s: s.status != "Active"
        )
        keeper = candidates[0] if candidates else None
        retired = 0
        for schedule in same_name:
            if schedule is not keeper and schedule.status == "Active":
                schedule.disable(wait_for_provisioning=True)
                retired += 1
        detail = f"disabled {retired} older schedule(s) of this name" if retired else ""
        if keeper is None:
            kwargs = dict(
                name=spec.name,
                pipeline_endpoint_id=endpoint.id,
                experiment_name=spec.experiment_name,
                description=f"{settings.project_name}: {spec.pipeline}, {spec.describe()}",
                wait_for_provisioning=True,
                _workflow_provider=workflow_provider,
            )
            if spec.on_new_data:
                kwargs.update(
                    datastore=datastore,
                    polling_interval=spec.polling_interval,
                    path_on_datastore=spec.path_on_datastore,
                )
            else:
                kwargs.update(recurrence=spec.recurrence())
            Schedule.create_for_pipeline_endpoint(workspace, **kwargs)
            changes.append(
                Change(spec.name, "created", "; ".join(filter(None, [spec.describe(), detail])))
            )
            continue
        if spec.on_new_data:
            same = same_trigger(keeper, spec, datastore.name)
        else:
            same = same_recurrence(keeper.recurrence, spec)
        if not same:
            if spec.on_new_data:
                keeper.update(
                    datastore=datastore,
                    polling_interval=spec.polling_interval,
                    path_on_datastore=spec.path_on_datastore,
                    status="Active",
                    wait_for_provisioning=True,
                )
            else:
                keeper.update(
                    recurrence=spec.recurrence(), status="Active", wait_for_provisioning=True
                )
            changes.append(
                Change(spec.name, "updated", "; ".join(filter(None, [spec.describe(), detail])))
            )
        elif keeper.status != "Active":
            keeper.enable(wait_for_provisioning=True)
            changes.append(Change(spec.name, "enabled", detail))
        else:
            changes.append(Change(spec.name, "unchanged", detail))
    return changes


@dataclass(frozen=True)
class ScheduleRow:
    name: str
    status: str
    what: str
    next_run: str


def list_schedules(
    workspace, settings: Settings, *, workflow_provider=None, now: dt.datetime | None = None
) -> list[ScheduleRow]:
    """The project's schedules in the workspace (by name), with what they do and their next run."""
    rows = []
    for name, schedules in _by_name(
        workspace, project_schedule_names(settings), workflow_provider
    ).items():
        for schedule in schedules:
            if schedule.recurrence is None:
                what = (
                    f"when files land in {schedule.datastore_name}:{schedule.path_on_datastore}/ "
                    f"(checked every {schedule.polling_interval} min)"
                )
                upcoming = "on new data"
            else:
                what = describe_recurrence(schedule.recurrence)
                moment = next_run(schedule.recurrence, now)
                zone = _zone_name(schedule.recurrence.time_zone)
                upcoming = (
                    f"{moment:%Y-%m-%d %H:%M} {zone}" if moment else "unknown (no start time)"
                )
            if schedule.status != "Active":
                upcoming = "none (disabled)"
            rows.append(ScheduleRow(name, schedule.status, what, upcoming))
    return rows


def disable_schedules(workspace, settings: Settings, *, workflow_provider=None) -> list[Change]:
    """Disable every active schedule of the project; do this before disabling any pipeline."""
    changes = []
    for name, schedules in _by_name(
        workspace, project_schedule_names(settings), workflow_provider
    ).items():
        active = [s for s in schedules if s.status == "Active"]
        for schedule in active:
            schedule.disable(wait_for_provisioning=True)
        if schedules:
            changes.append(
                Change(
                    name,
                    "disabled" if active else "unchanged",
                    "" if active else "already disabled",
                )
            )
    return changes


# --- describing recurrences ------------------------------------------------------------------


def describe_recurrence(recurrence) -> str:
    every = recurrence.frequency.lower()
    text = f"every {recurrence.interval} {every}s" if recurrence.interval != 1 else f"every {every}"
    if recurrence.hours:
        times = ", ".join(
            f"{h:02d}:{m:02d}" for h in recurrence.hours for m in recurrence.minutes or [0]
        )
        text += f" at {times}"
    start = _start(recurrence.start_time)
    if start is not None:
        text += f" from {start:%Y-%m-%d %H:%M}"
    return f"{text} ({_zone_name(recurrence.time_zone)})"


def next_run(recurrence, now: dt.datetime | None = None) -> dt.datetime | None:
    """The next time ``recurrence`` fires after ``now``, as wall-clock time in its zone."""
    start = _start(recurrence.start_time)
    if start is None:
        return None
    local_now = time_zones.wall_clock_now(_zone_name(recurrence.time_zone), now)
    interval = max(1, int(recurrence.interval))
    frequency = recurrence.frequency
    if frequency in ("Minute", "Hour"):
        step = (
            dt.timedelta(minutes=interval)
            if frequency == "Minute"
            else dt.timedelta(hours=interval)
        )
        if start > local_now:
            return start
        periods = (local_now - start) // step + 1
        return start + periods * step
    if frequency == "Month":
        months = 0
        while True:  # at most a few hundred steps: schedules start within years of now
            candidate = _add_months(start, months)
            if candidate > local_now:
                return candidate
            months += interval
    period_days = interval * (7 if frequency == "Week" else 1)
    times = sorted(
        (h, m)
        for h in (recurrence.hours or [start.hour])
        for m in (recurrence.minutes or [start.minute])
    )
    first_period = max(0, (local_now.date() - start.date()).days // period_days)
    for period in range(first_period, first_period + 3):
        day = start.date() + dt.timedelta(days=period * period_days)
        for hour, minute in times:
            candidate = dt.datetime.combine(day, dt.time(hour, minute))
            if candidate > local_now and candidate >= start:
                return candidate
    return None


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
