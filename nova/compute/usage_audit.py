"""The instance usage audit: per host, per period, the instances that existed.

With [DEFAULT] instance_usage_audit, every nova-compute checks once a
periodic run whether it has audited the last completed period
([DEFAULT] instance_usage_audit_period); if not, it records a task_log
row (RUNNING), counts the instances that existed on it during the period
(deleted ones included), and records the row DONE with that count.
os-instance-usage-audit-log sums these rows over every compute host.

Unlike upstream, no ``instance.exists`` notification is sent per
instance: nothing here consumes them yet.
"""

import calendar
import datetime
import logging
import time

from oslo_utils import timeutils

from nova import exception, objects

LOG = logging.getLogger(__name__)

#: The task_log task_name of this audit (upstream's).
TASK_NAME = "instance_usage_audit"


def _parse_unit(unit):
    name, _, offset = unit.partition("@")
    if name not in ("hour", "day", "month", "year"):
        raise exception.InvalidInput(reason=f"unknown audit period unit {unit!r}")
    if offset:
        return name, int(offset)
    return name, 0 if name in ("hour", "day") else 1


def _month_shift(value, months, day):
    month_index = value.year * 12 + value.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def last_completed_audit_period(unit="month", before=None):
    """Return (begin, end) of the last audit period that ended at or before ``before``.

    :param unit: "hour", "day", "month" or "year", with an optional
        "@offset": the minute (hour), hour (day), day of month (month) or
        month (year) the period starts at; defaults 0, 0, 1, 1.
    :param before: naive UTC datetime; now when None.
    :returns: two naive UTC datetimes, begin < end.
    :raises InvalidInput: an unknown unit.
    """
    name, offset = _parse_unit(unit)
    before = (before or timeutils.utcnow()).replace(tzinfo=None)
    if name == "hour":
        end = before.replace(minute=offset, second=0, microsecond=0)
        if end > before:
            end -= datetime.timedelta(hours=1)
        return end - datetime.timedelta(hours=1), end
    if name == "day":
        end = before.replace(hour=offset, minute=0, second=0, microsecond=0)
        if end > before:
            end -= datetime.timedelta(days=1)
        return end - datetime.timedelta(days=1), end
    if name == "month":
        start_of_day = before.replace(hour=0, minute=0, second=0, microsecond=0)
        end = _month_shift(start_of_day, 0, offset)
        if end > before:
            end = _month_shift(start_of_day, -1, offset)
        return _month_shift(end, -1, offset), end
    end = datetime.datetime(before.year, offset, 1)
    if end > before:
        end = datetime.datetime(before.year - 1, offset, 1)
    return datetime.datetime(end.year - 1, offset, 1), end


def instances_on_host_during(context, host, begin, end):
    """Return the instances of ``host`` that existed at some time in [begin, end).

    Launched before ``end`` and not terminated before ``begin``; deleted
    instances count. Read through the conductor on nova-compute.
    """
    live = objects.InstanceList.get_by_filters(context, {"host": host}, expected_attrs=[])
    deleted = objects.InstanceList.get_by_filters(
        context, {"host": host, "deleted": True, "changes-since": begin}, expected_attrs=[])
    seen, found = set(), []
    for instance in list(live) + list(deleted):
        if instance.uuid in seen:
            continue
        seen.add(instance.uuid)
        launched = instance.launched_at and instance.launched_at.replace(tzinfo=None)
        terminated = instance.terminated_at and instance.terminated_at.replace(tzinfo=None)
        if launched and launched < end and (terminated is None or terminated > begin):
            found.append(instance)
    return found


def audit(host, context, unit, now=None):
    """Audit the last completed period on ``host`` unless that was done already.

    :param unit: [DEFAULT] instance_usage_audit_period.
    :returns: the DONE TaskLog, or None when the period was audited (or is
        being audited) already.
    """
    begin, end = last_completed_audit_period(unit, now)
    if objects.TaskLogList.get_all(context, TASK_NAME, begin, end, host=host):
        return None
    started = time.monotonic()
    instances = instances_on_host_during(context, host, begin, end)
    task_log = objects.TaskLog(
        context, task_name=TASK_NAME, host=host, period_beginning=begin,
        period_ending=end, task_items=len(instances), errors=0,
        message=f"Instance usage audit started for host {host}.")
    try:
        task_log.begin_task()
    except exception.TaskAlreadyRunning:
        return None
    task_log.message = (f"Instance usage audit ran for host {host}, {len(instances)} "
                        f"instances in {time.monotonic() - started:.3f} seconds.")
    task_log.end_task()
    LOG.info("Audited %d instances for %s - %s", len(instances), begin, end)
    return task_log
