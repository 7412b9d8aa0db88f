"""Schedules from the settings: idempotent by name, checked before any call (dry-run service)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from unittest import mock
from zoneinfo import available_timezones

import pytest

from {{ cookiecutter.package_name }}.operations import schedules, time_zones
from {{ cookiecutter.package_name }}.operations.schedules import ScheduleSettingsError

NOW = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.timezone.utc)


def with_schedules(settings, **changes):
    """Settings with schedule answers changed: scoring=dict(...), retraining=dict(...), others."""
    current = settings.schedules
    for pipeline in ("scoring", "retraining"):
        if pipeline in changes:
            changes[pipeline] = dataclasses.replace(getattr(current, pipeline), **changes[pipeline])
    return dataclasses.replace(settings, schedules=dataclasses.replace(current, **changes))


@pytest.fixture(scope="module")
def settings(settings):
    """The answers' time zone with fixed schedules: the counts below hold for every answer set."""
    return with_schedules(
        settings,
        score_on_new_data=False,
        scoring=dict(frequency="Day", interval=1, time="06:00"),
        retraining=dict(frequency="Week", interval=1, time="02:00"),
    )


@pytest.fixture
def published(offline_service, settings):
    """Endpoints for the scored and the retrained pipeline.

    Schedules only need an endpoint to point at; the scoring graph stands in
    for the retraining one so that these tests do not depend on AutoML.
    """
    from azureml.pipeline.core import PipelineEndpoint

    from {{ cookiecutter.package_name }}.operations.publish import publish
    from {{ cookiecutter.package_name }}.pipelines import builder

    publish(offline_service, settings, "scoring")
    graph = builder("scoring")(offline_service, settings).publish(name="stand-in")
    PipelineEndpoint.publish(
        offline_service.workspace,
        settings.pipeline_name("retraining"),
        "stand-in",
        graph,
        _workflow_provider=offline_service.workflow_provider,
    )
    return offline_service


def apply(context, settings, now=NOW):
    return schedules.apply_schedules(
        context.workspace, settings, workflow_provider=context.workflow_provider, now=now
    )


def stored(context):
    """(name, status) of every schedule the dry-run service holds, counted."""
    from azureml.pipeline.core import Schedule

    found = Schedule.list(
        context.workspace, active_only=False, _workflow_provider=context.workflow_provider
    )
    return Counter((s.name, s.status) for s in found)


def test_apply_twice_leaves_exactly_the_same_schedules(published, settings):
    chosen = with_schedules(settings, score_on_new_data=True)
    first = apply(published, chosen)
    after_first = stored(published)
    second = apply(
        published, chosen, now=NOW + dt.timedelta(days=3)
    )  # another day: start times differ
    assert stored(published) == after_first
    assert sum(after_first.values()) == 3
    assert {c.action for c in first} == {"created"}
    assert {c.action for c in second} == {"unchanged"}


def test_changed_recurrence_is_updated_in_place(published, settings):
    apply(published, settings)
    before = stored(published)
    changes = apply(published, with_schedules(settings, scoring=dict(time="07:15")))
    assert stored(published) == before
    by_name = {c.name: c.action for c in changes}
    assert by_name[schedules.schedule_name(settings, "scoring")] == "updated"
    assert by_name[schedules.schedule_name(settings, "retraining")] == "unchanged"


def test_frequency_none_disables_and_disable_then_apply_reenables(published, settings):
    apply(published, settings)
    apply(published, with_schedules(settings, retraining=dict(frequency="none")))
    name = schedules.schedule_name(settings, "retraining")
    assert stored(published)[(name, "Disabled")] == 1
    changes = schedules.disable_schedules(
        published.workspace, settings, workflow_provider=published.workflow_provider
    )
    assert all(s == "Disabled" for _, s in stored(published))
    assert {c.action for c in changes} == {"disabled", "unchanged"}
    apply(published, settings)
    assert stored(published) == Counter(
        {(schedules.schedule_name(settings, p), "Active"): 1 for p in ("scoring", "retraining")}
    )


def test_list_shows_the_next_run(published, settings):
    apply(published, settings)
    rows = schedules.list_schedules(
        published.workspace, settings, workflow_provider=published.workflow_provider, now=NOW
    )
    scoring = next(r for r in rows if r.name == schedules.schedule_name(settings, "scoring"))
    hour, minute = (int(x) for x in settings.schedules.scoring.time.split(":"))
    expected = time_zones.next_occurrence(hour, minute, settings.schedules.time_zone, NOW)
    assert scoring.status == "Active"
    assert scoring.next_run.startswith(f"{expected:%Y-%m-%d %H:%M}")


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(scoring=dict(interval=0)), "Interval must be an integer greater than 0"),
        (dict(scoring=dict(frequency="Fortnight")), "schedules.scoring.frequency 'Fortnight'"),
        (dict(retraining=dict(frequency="Week", time="")), "schedules.retraining.time is empty"),
        (dict(scoring=dict(frequency="Day", time="25:00")), "not a time of day"),
        (
            dict(time_zone="Mars Standard Time"),
            "not a name of azureml.pipeline.core.schedule.TimeZone",
        ),
    ],
)
def test_invalid_combination_is_refused_before_any_call(settings, changes, message):
    from azureml.pipeline.core import PipelineEndpoint, Schedule

    # No workspace at all: any call to the service would fail with another error than this one.
    with (
        mock.patch.object(Schedule, "list") as listed,
        mock.patch.object(Schedule, "create_for_pipeline_endpoint") as created,
        mock.patch.object(PipelineEndpoint, "list") as endpoints,
        pytest.raises(ScheduleSettingsError, match=message),
    ):
        schedules.apply_schedules(object(), with_schedules(settings, **changes), now=NOW)
    assert not (listed.called or created.called or endpoints.called)


def test_start_time_is_the_next_occurrence_in_the_time_zone(settings):
    chosen = with_schedules(
        settings,
        time_zone="TokyoStandardTime",
        scoring=dict(frequency="Day", time="06:00"),
        retraining=dict(frequency="Month", time="02:30"),
    )
    specs = {
        s.pipeline: s for s in schedules.desired_schedules(chosen, now=NOW) if not s.on_new_data
    }
    # 23:30 UTC on 10 March is 08:30 on 11 March in Tokyo: the next 06:00 is on 12 March.
    assert specs["scoring"].start_time == dt.datetime(2026, 3, 12, 6, 0)
    assert (specs["scoring"].hours, specs["scoring"].minutes) == ((6,), (0,))
    # Monthly: anchored by the start time only; hours and minutes are for Day and Week.
    assert specs["retraining"].start_time == dt.datetime(2026, 3, 12, 2, 30)
    assert specs["retraining"].hours is None and specs["retraining"].minutes is None
    recurrence = specs["scoring"].recurrence()
    assert (
        recurrence.time_zone.name == "TokyoStandardTime"
        and recurrence.start_time == "2026-03-12T06:00:00"
    )


def test_hourly_without_a_time_starts_at_the_next_whole_hour(settings):
    chosen = with_schedules(
        settings, time_zone="IndiaStandardTime", scoring=dict(frequency="Hour", interval=2, time="")
    )
    spec = schedules.desired_schedules(chosen, now=NOW)[0]
    # 23:30 UTC is 05:00 on the next day in India (UTC+05:30): the next whole hour is 06:00.
    assert spec.start_time == dt.datetime(2026, 3, 11, 6, 0) and spec.hours is None
    assert spec.recurrence().time_zone.name == "IndiaStandardTime"


def test_every_time_zone_of_the_sdk_maps_to_a_known_zone():
    from azureml.pipeline.core.schedule import TimeZone

    assert set(time_zones.WINDOWS_TO_IANA) == set(TimeZone.__members__)
    assert set(time_zones.WINDOWS_TO_IANA.values()) <= available_timezones()


def test_next_run_follows_interval_and_anchor():
    from azureml.pipeline.core import ScheduleRecurrence
    from azureml.pipeline.core.schedule import TimeZone

    weekly = ScheduleRecurrence(
        "Week",
        2,
        start_time=dt.datetime(2026, 3, 2, 2, 0),
        time_zone=TimeZone.UTC,
        hours=[2],
        minutes=[0],
    )
    assert schedules.next_run(weekly, NOW) == dt.datetime(2026, 3, 16, 2, 0)
    monthly = ScheduleRecurrence(
        "Month", 1, start_time=dt.datetime(2026, 1, 31, 5, 0), time_zone=TimeZone.UTC
    )
    assert schedules.next_run(monthly, NOW) == dt.datetime(2026, 3, 31, 5, 0)
    minutes = ScheduleRecurrence(
        "Minute", 45, start_time=dt.datetime(2026, 3, 10, 22, 0), time_zone=TimeZone.UTC
    )
    assert schedules.next_run(minutes, NOW) == dt.datetime(2026, 3, 11, 0, 15)


def test_new_data_schedule_needs_a_blob_datastore(published, settings):
    not_blob = mock.Mock(datastore_type="AzureFile")
    not_blob.name = "files"
    with (
        mock.patch.object(
            type(published.workspace), "get_default_datastore", return_value=not_blob
        ),
        pytest.raises(ScheduleSettingsError, match="need an Azure Blob datastore"),
    ):
        apply(published, with_schedules(settings, score_on_new_data=True))
    assert sum(stored(published).values()) == 0


def test_monthly_without_a_time_is_not_moved_by_a_later_apply(published, settings):
    chosen = with_schedules(settings, retraining=dict(frequency="Month", time=""))
    apply(published, chosen)
    before = stored(published)
    changes = apply(published, chosen, now=NOW + dt.timedelta(days=1, hours=5))
    assert stored(published) == before
    assert {c.name: c.action for c in changes}[schedules.schedule_name(settings, "retraining")] == (
        "unchanged"
    )
