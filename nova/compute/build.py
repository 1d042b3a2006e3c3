"""Building an instance on this host: spawn, or hand it back for a reschedule.

The flow, with every state change a compare-and-swap on task_state:

    scheduling --(host/node set)--> spawning --(driver.spawn ok)--> ACTIVE
                                          \\--(spawn fails)--> reschedule or ERROR

A failed spawn is cleaned off the hypervisor first. When the scheduler gave
alternates, the failed host's allocation is removed and the instance goes
back to the conductor for the next alternate; without alternates it ends in
ERROR with a fault, its allocation kept until the user deletes it (delete
removes it), so nothing is lost and nothing leaks.
"""

import contextlib
import logging
import sys

from oslo_concurrency import lockutils
from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import faults, operation, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)

#: The server action table's row of a build (event, notifications, ERROR).
BUILD = "POST /servers"


class InstanceBuilder:
    """Runs build_and_run_instance for a ComputeManager.

    :param svc: the host's nova.compute.operation.HostServices (driver,
        Placement client for allocations, the conductor's ComputeTaskAPI
        for reschedules).
    """

    def __init__(self, svc):
        self.svc = svc
        # One lock per server group: the late policy checks of builds on
        # this host take turns, so two racing members cannot both pass.
        self._group_locks = lockutils.Semaphores()

    def build_and_run_instance(self, context, instance, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, node=None, host_list=None):
        """Spawn ``instance`` here; on failure reschedule or set ERROR.

        :param image: the Glance image metadata dict.
        :param host_list: alternates from the scheduler (objects.Selection
            list); the first entry is this host.
        Never raises for build failures: the outcome is in the instance.
        """
        try:
            self._build(context, instance, image, request_spec, filter_properties,
                        admin_password, injected_files, node, host_list)
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.info("Instance %s was deleted or changed before its build finished",
                     instance.uuid)
        except exception.RescheduledException as exc:
            LOG.info("Instance %s: %s", instance.uuid, exc.format_message())
        except Exception as exc:
            LOG.error("Instance %s is in ERROR: %s", instance.uuid, exc)

    @staticmethod
    def retry_arguments(instance):
        """The build_and_run_instance arguments to build ``instance`` again here.

        For a build a restart interrupted (or whose message was lost): the
        image comes from what the API recorded in system metadata; with no
        alternates a failure ends in ERROR rather than a reschedule. An
        admin password and injected files given at create time are not
        kept anywhere, so they are not applied again.
        """
        return {
            "image": objects.ImageMeta.from_instance(instance).to_dict(),
            "request_spec": None,
            "filter_properties": {},
            "node": instance.node,
            "host_list": None,
        }

    def _build(self, context, instance, image, request_spec, filter_properties,
               admin_password, injected_files, node, host_list):
        with operation.instance_operation(self.svc, context, instance, BUILD) as op:
            group_uuid = _group_uuid(request_spec)
            with self._group_lock(group_uuid):
                op.save(host=self.svc.host, node=node, launched_on=self.svc.host,
                        vm_state=vm_states.BUILDING, task_state=task_states.SPAWNING)
                violation = self._group_policy_violation(context, instance, group_uuid)
            try:
                if violation:
                    raise violation
                self._spawn(context, instance, image, admin_password, injected_files, op,
                            _requested_networks(request_spec),
                            _security_groups(request_spec))
                self._record_outcome(node, failed=False)
            except (exception.UnexpectedDeletingTaskStateError,
                    exception.InstanceNotFound):
                LOG.info("Instance %s was deleted while it was building", instance.uuid)
                self._cleanup_guest(context, instance)
                self._cleanup_network(context, instance)
                raise
            except Exception as exc:
                LOG.error("Build of instance %s failed on %s: %s",
                          instance.uuid, self.svc.host, exc)
                self._record_outcome(node, failed=not isinstance(
                    exc, exception.GroupAffinityViolation))
                self._cleanup_guest(context, instance)
                # Addresses go with the failed attempt: an ERROR server holds
                # none, and the next host allocates its own.
                self._cleanup_network(context, instance)
                instance.power_state = power_state.NOSTATE
                alternates = list(host_list or [])[1:]
                if not alternates:
                    raise  # instance_operation: fault, ERROR, instance.create.error
                faults.add_instance_fault_from_exc(
                    context, instance, exc, sys.exc_info(), host=self.svc.host)
                self._reschedule(context, instance, image, request_spec,
                                 filter_properties, admin_password, injected_files,
                                 alternates, exc)
                raise exception.RescheduledException(
                    instance_uuid=instance.uuid, reason=str(exc)) from exc

    def _record_outcome(self, node, failed):
        """Count a failed build on ``node`` or reset its count after a success.

        The count (compute node stats "failed_builds") makes the
        scheduler's BuildFailureWeigher send builds elsewhere first. A
        late server group refusal says nothing about the host's health
        and is not counted. Never raises: the build's outcome matters more.
        """
        tracker = getattr(self.svc, "resource_tracker", None)
        if tracker is None or node is None:
            return
        try:
            if failed:
                tracker.build_failed(node)
            else:
                tracker.build_succeeded(node)
        except Exception:
            LOG.exception("Could not record the build outcome of node %s", node)

    @contextlib.contextmanager
    def _group_lock(self, group_uuid):
        if group_uuid is None:
            yield
            return
        with lockutils.internal_lock(f"server-group-{group_uuid}",
                                     semaphores=self._group_locks):
            yield

    def _group_policy_violation(self, context, instance, group_uuid):
        """The late check of a hard group policy on this host, or None.

        The scheduler's view of the group may be stale: another member may
        have been placed since (two requests racing). Upstream checks again
        on the host before spawning; so do we, counting the members this
        host has already taken on (building past scheduling, or built):
        with "anti-affinity" none may be here, with "affinity" members
        elsewhere mean this host is wrong. Runs under the group's lock
        after this instance went to spawning, so of two racing members
        the second sees the first.

        :returns: a GroupAffinityViolation to fail the build with (the
            usual reschedule to an alternate, or ERROR), or None.
        """
        if group_uuid is None:
            return None
        try:
            group = objects.InstanceGroup.get_by_uuid(context, group_uuid)
        except exception.InstanceGroupNotFound:
            return None  # the group went away: no policy left to keep
        policy = group.policy
        if policy not in ("affinity", "anti-affinity"):
            return None
        others = [uuid for uuid in group.members or [] if uuid != instance.uuid]
        if not others:
            return None
        placed = [i for i in objects.InstanceList.get_by_filters(
            context, {"uuid": others, "deleted": False}, expected_attrs=[])
            if i.host and i.task_state != task_states.SCHEDULING]
        here = [i for i in placed if i.host == self.svc.host]
        if policy == "anti-affinity" and here:
            return exception.GroupAffinityViolation(policy="Anti-affinity")
        if policy == "affinity" and placed and not here:
            return exception.GroupAffinityViolation(policy="Affinity")
        return None

    def _spawn(self, context, instance, image, admin_password, injected_files, op,
               requested_networks, security_groups):
        svc = self.svc
        allocations = svc.reportclient.get_allocations_for_consumer(context, instance.uuid)
        network_info = []
        if svc.network_api is not None:
            # Stored in the info cache by the network API, so the server's
            # addresses show while it spawns.
            network_info = svc.network_api.allocate_for_instance(
                context, instance, requested_networks=requested_networks, host=svc.host,
                security_groups=security_groups)
        svc.driver.plug_vifs(instance, network_info)
        svc.driver.spawn(context, instance, image, injected_files or [],
                         admin_password, allocations, network_info=network_info)
        op.finish(vm_state=vm_states.ACTIVE, power_state=svc.driver.get_info(instance).state,
                  launched_at=timeutils.utcnow())
        LOG.info("Instance %s is ACTIVE on %s", instance.uuid, svc.host)

    def _cleanup_guest(self, context, instance):
        try:
            self.svc.driver.destroy(context, instance)
        except Exception:
            LOG.exception("Could not clean up the guest of instance %s", instance.uuid)

    def _cleanup_network(self, context, instance):
        """Unplug the NICs and free the addresses of a failed build; never raises."""
        if self.svc.network_api is None:
            return
        try:
            network_info = self.svc.network_api.get_instance_nw_info(context, instance)
            self.svc.driver.unplug_vifs(instance, network_info)
            self.svc.network_api.deallocate_for_instance(context, instance)
        except Exception:
            LOG.exception("Could not free the network of instance %s", instance.uuid)

    def _reschedule(self, context, instance, image, request_spec, filter_properties,
                    admin_password, injected_files, alternates, exc):
        svc = self.svc
        # The conductor claims the alternate's allocation request, so this
        # host's allocation must go first or the instance would hold two.
        svc.reportclient.delete_allocation_for_instance(context, instance.uuid)
        failed_node = instance.node
        instance.host = None
        instance.node = None
        instance.task_state = task_states.SCHEDULING
        instance.power_state = power_state.NOSTATE
        instance.save(expected_task_state=task_states.SPAWNING)
        retry = dict(filter_properties or {}).get("retry") or {}
        retry.setdefault("hosts", []).append([svc.host, failed_node])
        retry["num_attempts"] = retry.get("num_attempts", 1) + 1
        retry["exc_reason"] = str(exc)
        filter_properties = dict(filter_properties or {}, retry=retry)
        LOG.info("Rescheduling instance %s to one of %d alternates",
                 instance.uuid, len(alternates))
        svc.compute_task_api.build_instances(
            context, instances=[instance], image=image,
            filter_properties=filter_properties, admin_password=admin_password,
            injected_files=injected_files, request_spec=request_spec,
            host_lists=[alternates])


def _requested_networks(request_spec):
    """The NetworkRequestList POST /servers asked for, or None ("auto")."""
    if request_spec is None or not request_spec.obj_attr_is_set("requested_networks"):
        return None
    return request_spec.requested_networks


def _security_groups(request_spec):
    """The security group names POST /servers asked for (None: "default")."""
    if request_spec is None or not request_spec.obj_attr_is_set("security_groups"):
        return None
    return request_spec.security_groups or None


def _group_uuid(request_spec):
    """The uuid of the request spec's server group, or None."""
    if request_spec is None or not request_spec.obj_attr_is_set("instance_group"):
        return None
    group = request_spec.instance_group
    return group.uuid if group is not None else None
