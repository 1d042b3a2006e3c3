"""/os-instance-usage-audit-log: how the instance usage audit went on every host.

API reference "Server usage audit log (os-instance-usage-audit-log)". For
the last audit period completed before now (or before the timestamp in
the path), the task_log rows of every enabled nova-compute are summed:
which hosts are done, running or have not run, with their instance and
error counts (nova.compute.usage_audit writes them).
"""

import datetime

import webob.exc

from nova import conf as nova_conf
from nova import context as nova_context
from nova import objects
from nova.compute import availability_zones, usage_audit
from nova.objects import task_log as task_log_obj
from nova.policies import instance_usage_audit_log as policies
from nova.policy import authorize

CONF = nova_conf.CONF

_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
CELL_TIMEOUT = 60


def _parse_before(value):
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise webob.exc.HTTPBadRequest(explanation=f"Invalid timestamp for date {value}")


def _task_logs_in_cell(cctxt, begin, end):
    return list(objects.TaskLogList.get_all(cctxt, usage_audit.TASK_NAME, begin, end))


def audit_summary(context, before=None):
    """Return the audit of the period before ``before`` (now when None) as upstream shows it.

    :returns: dict: period_beginning, period_ending (str "YYYY-MM-DD
        HH:MM:SS"), num_hosts, num_hosts_done, num_hosts_running,
        num_hosts_not_run, hosts_not_run (list), total_instances,
        total_errors, overall_status (str), log {host: {state, instances,
        errors, message}}.
    """
    begin, end = usage_audit.last_completed_audit_period(
        CONF.instance_usage_audit_period, before)
    cells = list(objects.CellMappingList.get_all(context))
    results = nova_context.scatter_gather_cells(context, cells, CELL_TIMEOUT,
                                                _task_logs_in_cell, begin, end)
    task_logs = [tl for result in results.values()
                 if not nova_context.is_cell_failure_sentinel(result) for tl in result]
    hosts = {service.host for service in availability_zones.all_services(context)
             if service.binary == "nova-compute" and not service.disabled}
    done = {tl.host for tl in task_logs if tl.state == task_log_obj.DONE}
    running = {tl.host for tl in task_logs if tl.state == task_log_obj.RUNNING}
    not_run = sorted(hosts - {tl.host for tl in task_logs})
    total_errors = sum(tl.errors or 0 for tl in task_logs)
    hosts_done = "ALL" if len(done) == len(hosts) else f"{len(done)} of {len(hosts)}"
    return {
        "period_beginning": str(begin),
        "period_ending": str(end),
        "num_hosts": len(hosts),
        "num_hosts_done": len(done),
        "num_hosts_running": len(running),
        "num_hosts_not_run": len(not_run),
        "hosts_not_run": not_run,
        "total_instances": sum(tl.task_items or 0 for tl in task_logs),
        "total_errors": total_errors,
        "overall_status": f"{hosts_done} hosts done. {total_errors} errors.",
        "log": {tl.host: {"state": tl.state, "instances": tl.task_items,
                          "errors": tl.errors, "message": tl.message}
                for tl in task_logs},
    }


class InstanceUsageAuditLogController:
    """Handlers of /os-instance-usage-audit-log."""

    def index(self, req):
        """GET -> {"instance_usage_audit_logs": the last completed period's audit}."""
        authorize(req.context, policies.LIST, target={})
        return {"instance_usage_audit_logs": audit_summary(req.context.elevated())}

    def show(self, req, id):
        """GET /{before_timestamp} -> {"instance_usage_audit_log": {...}}.

        ``before_timestamp`` is "YYYY-MM-DD HH:MM:SS[.ffffff]" (400 otherwise).
        """
        authorize(req.context, policies.SHOW, target={})
        before = _parse_before(id)
        return {"instance_usage_audit_log": audit_summary(req.context.elevated(), before)}
