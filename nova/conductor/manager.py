"""Server side of the conductor RPC API: runs object methods for nova-compute.

nova-compute has no database credentials; its remotable object calls arrive
here (see ``nova.conductor.rpcapi``) and run against this conductor's
database, exactly as they would have run locally. The same service also
serves the compute-task API (builds and reschedules, namespace
``compute_task``; see ``nova.conductor.compute_task``).
"""

import functools

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_versionedobjects import exception as ovo_exc

from nova import conf as nova_conf
from nova import exception, manager
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import compute_task
from nova.objects import base as objects_base
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.scheduler.client import report

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

# Errors that are the caller's business: they go back to the caller without a
# traceback in the conductor's log.
_EXPECTED = (exception.NovaException, ovo_exc.VersionedObjectsException)


def _local_method(target, name):
    """Return ``target.name``'s body, bound to ``target``, if it is remotable.

    The conductor is where remotable methods run, so it calls the body the
    decorator wraps rather than the wrapper: even where ``indirection_api``
    is set in this process (everything in one process, as in the
    functional tests), the call must not be forwarded again.

    :param target: an object class (for class actions) or instance.
    :raises nova.exception.ObjectActionError: ``name`` is not a remotable
        method; only what an object declares remotable may be run on a
        caller's behalf.
    """
    method = getattr(target, name, None)
    body = getattr(method, "original_fn", None)
    if body is None or not getattr(method, "remotable", False):
        raise exception.ObjectActionError(
            action=name, reason=f"not a remotable method of {target.obj_name()}")
    return functools.partial(body, target)


def _changed_fields(before, after):
    """Return {field: primitive} for fields ``after`` has that differ from ``before``."""
    updates = {}
    for name, field in after.fields.items():
        if not after.obj_attr_is_set(name):
            continue
        value = getattr(after, name)
        if (not before.obj_attr_is_set(name)
                or getattr(before, name) != value):
            updates[name] = field.to_primitive(after, name, value)
    return updates


class ConductorManager(manager.Manager):
    """The conductor's RPC endpoint for the object API (version 3.0).

    Mirrors ``nova.conductor.rpcapi.ConductorAPI``; see its docstring for
    the version history.
    """

    target = messaging.Target(version="3.0")

    def __init__(self, host=None, compute_task_manager=None):
        super().__init__(host=host, service_name="conductor")
        self.compute_task_mgr = compute_task_manager or compute_task.ComputeTaskManager(
            scheduler_rpcapi.SchedulerAPI(), compute_rpcapi.ComputeAPI(),
            report.SchedulerReportClient())
        self.additional_endpoints.append(self.compute_task_mgr)
        timeout = CONF.conductor.stale_build_timeout
        # A third of the timeout: a lost build is taken over between one and
        # four thirds of it after its last progress.
        self.set_periodic_spacing("_recover_stale_builds",
                                  max(5, timeout // 3) if timeout else -1)

    @manager.periodic(spacing=20)
    def _recover_stale_builds(self, context):
        """Carry on builds that made no progress ([conductor] stale_build_timeout)."""
        done = self.compute_task_mgr._recover_stale_builds(context)
        if done:
            LOG.warning("Took over %d lost builds: %s", len(done), done)

    @messaging.expected_exceptions(*_EXPECTED)
    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        """Run the remotable classmethod and return its result at the caller's versions.

        :returns: a nova object's primitive (backported to
            ``object_versions``) or the plain result.
        :raises nova.exception.ObjectActionError: ``objmethod`` is not remotable.
        :raises oslo_versionedobjects.exception.UnsupportedObjectError: this
            conductor does not know ``objname`` at a compatible version.
        """
        objclass = objects_base.NovaObject.obj_class_from_name(
            objname, object_versions[objname])
        method = _local_method(objclass, objmethod)
        result = method(context, *args, **kwargs)
        if isinstance(result, objects_base.NovaObject):
            result._context = context
            # Without this the serializer would send our newest version,
            # which an older caller cannot read.
            return result.obj_to_primitive(
                target_version=object_versions[objname],
                version_manifest=object_versions)
        return result

    @messaging.expected_exceptions(*_EXPECTED)
    def object_action(self, context, objinst, objmethod, args, kwargs):
        """Run ``objinst.objmethod(*args, **kwargs)`` here.

        :returns: [updates, result]: the fields the method changed as
            primitives, with "obj_what_changed" listing the fields still
            dirty afterwards; and what the method returned.
        :raises nova.exception.ObjectActionError: ``objmethod`` is not remotable.
        """
        before = objinst.obj_clone()
        method = _local_method(objinst, objmethod)
        result = method(*args, **kwargs)
        updates = _changed_fields(before, objinst)
        updates["obj_what_changed"] = sorted(objinst.obj_what_changed())
        return updates, result

    @messaging.expected_exceptions(*_EXPECTED)
    def object_backport_versions(self, context, objinst, object_versions):
        """Return ``objinst`` as a primitive at the versions in ``object_versions``."""
        return objinst.obj_to_primitive(
            target_version=object_versions[objinst.obj_name()],
            version_manifest=object_versions)
