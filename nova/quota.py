"""Per-project limits and how much of them a project uses.

Limits: a row in the API database's ``quotas`` table (project_id, resource,
hard_limit) wins; otherwise the [quota] default applies; -1 is unlimited.
Usage is counted, not tracked: servers, vCPUs and RAM are summed over the
project's live instances in every cell plus its build requests, so a crash
can never leave usage out of step with reality (upstream's counting model).
"""

import logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Resources with a [quota] default, by upstream's resource name.
RESOURCES = ("instances", "cores", "ram", "metadata_items", "injected_files",
             "injected_file_content_bytes", "injected_file_path_length",
             "key_pairs", "server_groups", "server_group_members")

CELL_TIMEOUT = 60


@api_db_api.context_manager.reader
def _project_rows(context, project_id):
    return {
        row.resource: row.hard_limit
        for row in context.session.query(api_models.Quota).filter_by(project_id=project_id)
    }


def get_project_limits(context, project_id):
    """Return {resource: hard limit} for ``project_id`` (-1 means unlimited)."""
    limits = {name: getattr(CONF.quota, name) for name in RESOURCES}
    limits.update(_project_rows(context, project_id))
    return limits


def _usage_in_cell(cctxt, project_id):
    counts = objects.InstanceList.get_counts(cctxt, project_id)["project"]
    return counts["instances"], counts["cores"], counts["ram"]


def count_usage(context, project_id):
    """Return {"instances": n, "cores": vCPUs, "ram": MiB} used by the project.

    :raises CellTimeout: a cell did not answer; counting it as zero would
        let a project exceed its quota.
    """
    cells = objects.CellMappingList.get_all(context)
    results = nova_context.scatter_gather_cells(
        context.elevated(), cells, CELL_TIMEOUT, _usage_in_cell, project_id)
    usage = {"instances": 0, "cores": 0, "ram": 0}
    for result in results.values():
        if nova_context.is_cell_failure_sentinel(result):
            raise exception.CellTimeout()
        count, cores, ram = result
        usage["instances"] += count
        usage["cores"] += cores
        usage["ram"] += ram
    for build_request in objects.BuildRequestList.get_by_project_id(context, project_id):
        flavor = build_request.instance.flavor
        usage["instances"] += 1
        usage["cores"] += flavor.vcpus
        usage["ram"] += flavor.memory_mb
    return usage


def allowed_instances(context, project_id, flavor, min_count, max_count):
    """Return how many of ``max_count`` servers of ``flavor`` the quota allows.

    Upstream's rule: build as many as fit, down to ``min_count``.
    :raises TooManyInstances: not even ``min_count`` fit; the message names
        the first resource over its limit, with requested/used/allowed.
    """
    limits = get_project_limits(context, project_id)
    usage = count_usage(context, project_id)
    per_instance = {"instances": 1, "cores": flavor.vcpus, "ram": flavor.memory_mb}
    allowed = max_count
    for resource, each in per_instance.items():
        limit = limits[resource]
        if limit < 0 or each == 0:
            continue
        room = max(0, (limit - usage[resource]) // each)
        if room < min_count:
            raise exception.TooManyInstances(
                overs=resource, req=each * min_count, used=usage[resource], allowed=limit)
        allowed = min(allowed, room)
    return allowed


def check_metadata_items(context, project_id, metadata):
    """Refuse more metadata items than the project's metadata_items limit.

    :raises MetadataLimitExceeded: 403, upstream's message.
    """
    limit = get_project_limits(context, project_id)["metadata_items"]
    if limit >= 0 and len(metadata or {}) > limit:
        raise exception.MetadataLimitExceeded(allowed=limit)
