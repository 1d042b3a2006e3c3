"""Per-project limits, per-user limits, and how much of them is used.

Limits, most specific first: a row of the API database's
``project_user_quotas`` (one user in one project), then ``quotas`` (the
project), then ``quota_classes`` of the class "default" (set through
os-quota-class-sets), then the [quota] option; -1 is unlimited.
Usage is counted, not tracked: servers, vCPUs and RAM are summed over the
project's live instances in every cell plus its build requests, so a crash
can never leave usage out of step with reality (upstream's counting model).

Counting and then writing is not atomic: two requests may both pass the
check. The conductor therefore checks again once an instance exists in its
cell (``recheck_instances``) and refuses the build of an instance that
took the project over its limit; such an instance is marked
``REFUSED_KEY`` in its system metadata and no longer counted.
"""

import base64
import logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import instance as instance_obj

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Resources with a [quota] default, by upstream's resource name.
RESOURCES = ("instances", "cores", "ram", "metadata_items", "injected_files",
             "injected_file_content_bytes", "injected_file_path_length",
             "key_pairs", "server_groups", "server_group_members")

#: The quota class whose limits replace the [quota] defaults.
DEFAULT_CLASS = "default"

#: System metadata key of an instance the quota recheck refused (not counted).
REFUSED_KEY = instance_obj.QUOTA_REFUSED_KEY

CELL_TIMEOUT = 60


@api_db_api.context_manager.reader
def _project_rows(context, project_id):
    return {
        row.resource: row.hard_limit
        for row in context.session.query(api_models.Quota).filter_by(project_id=project_id)
        if row.resource in RESOURCES
    }


@api_db_api.context_manager.reader
def _user_rows(context, project_id, user_id):
    query = context.session.query(api_models.ProjectUserQuota).filter_by(
        project_id=project_id, user_id=user_id)
    return {row.resource: row.hard_limit for row in query if row.resource in RESOURCES}


@api_db_api.context_manager.reader
def _class_rows(context, class_name):
    query = context.session.query(api_models.QuotaClass).filter_by(class_name=class_name)
    return {row.resource: row.hard_limit for row in query if row.resource in RESOURCES}


#: [quota] driver value under which nothing is limited.
NOOP_DRIVER = "nova.quota.NoopQuotaDriver"


def _unlimited():
    """{resource: -1} when [quota] driver is the no-op driver, else None."""
    if CONF.quota.driver == NOOP_DRIVER:
        return {name: -1 for name in RESOURCES}
    return None


def get_class_limits(context, class_name):
    """Return {resource: limit} of quota class ``class_name``.

    Resources the class does not set fall back to the [quota] options.
    Only the "default" class changes any project's limits (as upstream).
    With [quota] driver = nova.quota.NoopQuotaDriver every limit is -1.
    """
    unlimited = _unlimited()
    if unlimited is not None:
        return unlimited
    limits = {name: getattr(CONF.quota, name) for name in RESOURCES}
    limits.update(_class_rows(context, class_name))
    return limits


def get_defaults(context):
    """Return the limits of a project without limits of its own ({resource: int})."""
    return get_class_limits(context, DEFAULT_CLASS)


def get_project_limits(context, project_id):
    """Return {resource: hard limit} for ``project_id`` (-1 means unlimited)."""
    unlimited = _unlimited()
    if unlimited is not None:
        return unlimited
    limits = get_defaults(context)
    limits.update(_project_rows(context, project_id))
    return limits


def get_user_limits(context, project_id, user_id):
    """Return {resource: hard limit} for ``user_id`` in ``project_id``.

    A resource without a per-user row has the project's limit.
    """
    unlimited = _unlimited()
    if unlimited is not None:
        return unlimited
    limits = get_project_limits(context, project_id)
    limits.update(_user_rows(context, project_id, user_id))
    return limits


@api_db_api.context_manager.writer
def _set_limits(context, model, filters, limits):
    for resource, hard_limit in limits.items():
        row = context.session.query(model).filter_by(resource=resource, **filters).first()
        if row is None:
            row = model(resource=resource, **filters)
            context.session.add(row)
        row.hard_limit = hard_limit


def set_project_limits(context, project_id, limits):
    """Store ``limits`` ({resource: int}) as the project's own, in one transaction."""
    _set_limits(context, api_models.Quota, {"project_id": project_id}, limits)


def set_user_limits(context, project_id, user_id, limits):
    """Store ``limits`` ({resource: int}) for one user of a project, in one transaction."""
    _set_limits(context, api_models.ProjectUserQuota,
                {"project_id": project_id, "user_id": user_id}, limits)


def set_class_limits(context, class_name, limits):
    """Store ``limits`` ({resource: int}) in quota class ``class_name``."""
    _set_limits(context, api_models.QuotaClass, {"class_name": class_name}, limits)


@api_db_api.context_manager.writer
def delete_project_limits(context, project_id):
    """Forget the project's own limits and every per-user limit in it."""
    context.session.query(api_models.Quota).filter_by(project_id=project_id).delete()
    context.session.query(api_models.ProjectUserQuota).filter_by(
        project_id=project_id).delete()


@api_db_api.context_manager.writer
def delete_user_limits(context, project_id, user_id):
    """Forget the per-user limits of ``user_id`` in ``project_id``."""
    context.session.query(api_models.ProjectUserQuota).filter_by(
        project_id=project_id, user_id=user_id).delete()


def _usage_in_cell(cctxt, project_id, user_id):
    return objects.InstanceList.get_counts(cctxt, project_id, user_id=user_id)


def _zero():
    return {"instances": 0, "cores": 0, "ram": 0}


def _add(total, counts):
    for resource in total:
        total[resource] += counts[resource]


def count_instances(context, project_id, user_id=None, build_requests=True):
    """Count servers, vCPUs and RAM (MiB) of a project, and of one of its users.

    :param build_requests: also count servers not scheduled yet (build
        requests in the API database); the conductor's recheck counts only
        instances that exist in a cell.
    :returns: {"project": {"instances", "cores", "ram"}, "user": {...}};
        "user" is all zero when ``user_id`` is None.
    :raises CellTimeout: a cell did not answer; counting it as zero would
        let a project exceed its quota.
    """
    cells = objects.CellMappingList.get_all(context)
    results = nova_context.scatter_gather_cells(
        context.elevated(), cells, CELL_TIMEOUT, _usage_in_cell, project_id, user_id)
    project, user = _zero(), _zero()
    for result in results.values():
        if nova_context.is_cell_failure_sentinel(result):
            raise exception.CellTimeout()
        _add(project, result["project"])
        if user_id is not None:
            _add(user, result["user"])
    if build_requests:
        for build_request in objects.BuildRequestList.get_by_project_id(context, project_id):
            flavor = build_request.instance.flavor
            each = {"instances": 1, "cores": flavor.vcpus, "ram": flavor.memory_mb}
            _add(project, each)
            if user_id is not None and build_request.instance.user_id == user_id:
                _add(user, each)
    return {"project": project, "user": user}


def count_usage(context, project_id):
    """Return {"instances": n, "cores": vCPUs, "ram": MiB} used by the project.

    :raises CellTimeout: see ``count_instances``.
    """
    return count_instances(context, project_id)["project"]


def _scopes(context, project_id, user_id):
    """[(limits, usage)] for the project and, with ``user_id``, the user."""
    project_limits = get_project_limits(context, project_id)
    scopes = [(project_limits, "project")]
    if user_id is not None:
        user_limits = dict(project_limits)
        user_limits.update(_user_rows(context, project_id, user_id))
        scopes.append((user_limits, "user"))
    return scopes


def allowed_instances(context, project_id, flavor, min_count, max_count, user_id=None):
    """Return how many of ``max_count`` servers of ``flavor`` the quota allows.

    Upstream's rule: build as many as fit, down to ``min_count``. With
    ``user_id``, that user's own limits (os-quota-sets?user_id=) apply too.
    :raises TooManyInstances: not even ``min_count`` fit; the message names
        the first resource over its limit, with requested/used/allowed.
    """
    usage = count_instances(context, project_id, user_id)
    per_instance = {"instances": 1, "cores": flavor.vcpus, "ram": flavor.memory_mb}
    allowed = max_count
    for limits, scope in _scopes(context, project_id, user_id):
        used = usage[scope]
        for resource, each in per_instance.items():
            limit = limits[resource]
            if limit < 0 or each == 0:
                continue
            room = max(0, (limit - used[resource]) // each)
            if room < min_count:
                raise exception.TooManyInstances(
                    overs=resource, req=each * min_count, used=used[resource],
                    allowed=limit)
            allowed = min(allowed, room)
    return allowed


def check_resize(context, project_id, user_id, old_flavor, new_flavor):
    """Refuse a resize whose added vCPUs or RAM would exceed a limit.

    Only growth counts (upstream's resize quota check): a smaller flavor
    always fits.

    :raises TooManyInstances: (403) the project's or the user's cores or
        ram limit would be exceeded.
    """
    deltas = {"cores": new_flavor.vcpus - old_flavor.vcpus,
              "ram": new_flavor.memory_mb - old_flavor.memory_mb}
    deltas = {resource: delta for resource, delta in deltas.items() if delta > 0}
    if not deltas:
        return
    usage = count_instances(context, project_id, user_id)
    for limits, scope in _scopes(context, project_id, user_id):
        used = usage[scope]
        for resource, delta in deltas.items():
            limit = limits[resource]
            if 0 <= limit < used[resource] + delta:
                raise exception.TooManyInstances(
                    overs=resource, req=delta, used=used[resource], allowed=limit)


def recheck_instances(context, project_id, user_id=None):
    """Refuse when the instances that exist put the project (or user) over a limit.

    Called by the conductor after an instance is written to its cell, so
    the instance is part of the count. Build requests are not counted:
    they are not servers yet and will be rechecked when they become one.
    Whichever of two racing builds rechecks last sees both, so the
    servers that pass never exceed a limit.

    :raises TooManyInstances: usage exceeds the project's (or the user's)
        instances, cores or ram limit.
    """
    usage = count_instances(context, project_id, user_id, build_requests=False)
    for limits, scope in _scopes(context, project_id, user_id):
        used = usage[scope]
        for resource in ("instances", "cores", "ram"):
            limit = limits[resource]
            if 0 <= limit < used[resource]:
                raise exception.TooManyInstances(
                    overs=resource, req=0, used=used[resource], allowed=limit)


def check_metadata_items(context, project_id, metadata):
    """Refuse more metadata items than the project's metadata_items limit.

    :raises MetadataLimitExceeded: 403, upstream's message.
    """
    limit = get_project_limits(context, project_id)["metadata_items"]
    if limit >= 0 and len(metadata or {}) > limit:
        raise exception.MetadataLimitExceeded(allowed=limit)


def check_injected_files(context, project_id, injected_files):
    """Refuse personality files beyond the project's limits (upstream's order).

    :param injected_files: [(path, base64 contents)].
    :raises OnsetFileLimitExceeded: more files than ``injected_files``.
    :raises OnsetFilePathLimitExceeded: a path longer than
        ``injected_file_path_length`` (``injected_file_path_bytes`` in the
        API) characters.
    :raises OnsetFileContentLimitExceeded: decoded contents longer than
        ``injected_file_content_bytes`` bytes. All three are 403.
    """
    if not injected_files:
        return
    limits = get_project_limits(context, project_id)
    if 0 <= limits["injected_files"] < len(injected_files):
        raise exception.OnsetFileLimitExceeded()
    path_limit = limits["injected_file_path_length"]
    content_limit = limits["injected_file_content_bytes"]
    for path, contents in injected_files:
        if 0 <= path_limit < len(path or ""):
            raise exception.OnsetFilePathLimitExceeded(allowed=path_limit)
        if 0 <= content_limit < len(base64.b64decode(contents or "")):
            raise exception.OnsetFileContentLimitExceeded(allowed=content_limit)
