"""How nova-compute runs an operation on one instance: one context manager.

Every operation module (power, rebuild, snapshot, ...) is written the same
way::

    def stop_instance(svc, context, instance, clean_shutdown=True):
        with operation.instance_operation(svc, context, instance, "os-stop") as op:
            svc.driver.power_off(instance, timeout)
            op.finish(vm_state=vm_states.STOPPED,
                      power_state=svc.driver.get_info(instance).state)

``instance_operation`` does, for the server action row named (see
nova.compute.server_actions):

* refuses the work when the host's driver lacks the row's capability;
* records the instance action event (``compute_<rpc method>``), Success or
  Error with the traceback;
* sends ``instance.<notification>.start`` / ``.end`` / ``.error``;
* on failure records an instance fault and, as the row's ``on_error``
  says, puts task_state back to None (the server usable as before) or sets
  vm_state ERROR; then re-raises.

``Operation.finish`` is the compare-and-swap that ends the operation: it
saves the new state only while task_state is still the one the API set, so
a concurrent delete or reset wins and this operation stops.

``HostServices`` is the one way an operation reaches the host: its name,
virt driver, Placement and Glance clients, the conductor's compute-task
API and the resource tracker.
"""

import contextlib
import dataclasses
import logging
import sys
import threading

from nova import exception, objects
from nova.compute import faults, instance_actions, power_state, server_actions, vm_states
from nova.notifications import instance as notify

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class HostServices:
    """What an operation may use on this compute host.

    :param host: this host's name ([DEFAULT] host).
    :param driver: the ComputeDriver.
    :param reportclient: SchedulerReportClient (Placement).
    :param image_api: the Glance client (GlanceImageService).
    :param compute_task_api: the conductor's ComputeTaskAPI.
    :param resource_tracker: the ResourceTracker, or None in unit tests.
    :param compute_rpcapi: the compute RPC client, to reach the other host
        of a move; None in unit tests.
    :param network_api: nova.network.api.API (the server's NICs), or None
        in unit tests (no NICs then).
    """

    host: str
    driver: object
    reportclient: object
    image_api: object
    compute_task_api: object
    resource_tracker: object = None
    compute_rpcapi: object = None
    network_api: object = None
    #: uuids of instances with an operation running in this process; the
    #: stale-task recovery leaves them alone.
    in_flight: set = dataclasses.field(default_factory=set)
    _in_flight_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def has_capability(self, name):
        """True when the driver's ``capabilities[name]`` is set (None: no need)."""
        return name is None or bool(self.driver.capabilities.get(name))

    @contextlib.contextmanager
    def running(self, instance_uuid):
        """Mark ``instance_uuid`` as being worked on for the block's duration."""
        with self._in_flight_lock:
            self.in_flight.add(instance_uuid)
        try:
            yield
        finally:
            with self._in_flight_lock:
                self.in_flight.discard(instance_uuid)

    def is_running(self, instance_uuid):
        """True while an operation on ``instance_uuid`` runs in this process."""
        with self._in_flight_lock:
            return instance_uuid in self.in_flight


class Operation:
    """The handle ``instance_operation`` yields; see the module docstring.

    :param instance: the Instance being worked on.
    :param row: its ServerAction row.
    """

    def __init__(self, instance, row):
        self.instance = instance
        self.row = row
        self.finished = False

    def save(self, **changes):
        """Record intermediate progress, keeping the task_state (compare-and-swap).

        :raises UnexpectedTaskStateError: someone else changed task_state.
        :raises InstanceNotFound: the instance was deleted meanwhile.
        """
        expected = self.instance.task_state
        for name, value in changes.items():
            setattr(self.instance, name, value)
        self.instance.save(expected_task_state=[expected])

    def finish(self, task_state=None, **changes):
        """End the operation: set ``changes`` and ``task_state`` in one swap.

        Only succeeds while task_state is still the row's (or what ``save``
        last kept), so an action that lost a race changes nothing.

        :param changes: instance fields, e.g. vm_state=..., power_state=...
        :raises UnexpectedTaskStateError, InstanceNotFound: as ``save``.
        """
        expected = self.instance.task_state
        for name, value in changes.items():
            setattr(self.instance, name, value)
        self.instance.task_state = task_state
        self.instance.save(expected_task_state=[expected])
        self.finished = True


@contextlib.contextmanager
def instance_operation(svc, context, instance, name, **notification_extra):
    """Run one operation of the server action table on ``instance``.

    :param svc: HostServices of this host.
    :param name: the row's name ("os-stop", "reboot:HARD", ...).
    :param notification_extra: fields a payload subclass adds (with
        ``payload_cls``), passed to every notification of the operation.
    :yields: an Operation; call its ``finish`` to end the operation.
    :raises: whatever the block raised, after the fault, the event and the
        revert or ERROR are recorded; UnsupportedByDriver when the host's
        driver cannot do it.
    """
    row = server_actions.get(name)
    event = row.event
    kind = row.notification

    def _notify(phase, fault=None):
        if kind:
            notify.notify_about_instance_action(
                context, instance, svc.host, kind, phase, fault=fault,
                **notification_extra)

    with svc.running(instance.uuid):
        _notify(notify.START)
        try:
            # The event finishes (Success or Error) before a failure shows in
            # the instance, so whoever sees ERROR also sees why.
            with instance_actions.action_event(context, instance, event, host=svc.host):
                if not svc.has_capability(row.capability):
                    raise exception.UnsupportedByDriver(
                        action=row.name, capability=row.capability)
                yield Operation(instance, row)
        except exception.RescheduledException:
            # The build moved on to another host; its fault is recorded and
            # the instance is the conductor's again.
            raise
        except exception.UnexpectedDeletingTaskStateError:
            # Deleted while we worked: the delete owns the instance now.
            LOG.info("Instance %s was deleted during %s", instance.uuid, row.name)
            raise
        except exception.UnexpectedTaskStateError as exc:
            # Another action (a hard reboot, a reset) took over: nothing of
            # ours to undo, and the winner owns the state.
            LOG.info("Instance %s: %s gave way to another action: %s",
                     instance.uuid, row.name, exc.format_message())
            raise
        except Exception as exc:
            if isinstance(exc, exception.InstanceNotFound) and _deleted(instance):
                LOG.info("Instance %s was deleted during %s", instance.uuid, row.name)
                raise
            # Otherwise (the hypervisor lost the guest, the driver failed)
            # a failure of this operation like any other.
            exc_info = sys.exc_info()
            LOG.error("%s of instance %s failed on %s: %s",
                      row.name, instance.uuid, svc.host, exc)
            fail_operation(context, instance, row, exc, exc_info, svc.host,
                           power=_power_after_failure(svc, instance, row))
            _notify(notify.ERROR, fault=exc)
            raise
        _notify(notify.END)


def _power_after_failure(svc, instance, row):
    """The guest's power_state for a REVERT, or None when unknown or not needed."""
    if row.on_error != server_actions.REVERT:
        return None
    try:
        return power_state_of(svc.driver, instance)
    except Exception:
        LOG.exception("Could not read the power state of instance %s", instance.uuid)
        return None


def _deleted(instance):
    """True when the instance's record is gone (or soft-deleted)."""
    try:
        objects.Instance.get_by_uuid(instance._context, instance.uuid)
    except exception.InstanceNotFound:
        return True
    return False


def fail_operation(context, instance, row, exc, exc_info=None, host=None, power=None):
    """Record ``exc`` as the instance's fault and revert or fail it per ``row``.

    REVERT: task_state back to None; with ``power`` (the hypervisor's
    power_state now) the server also says what the guest is, as an
    operation that failed halfway may have changed it (a shelve that
    powered the guest off before its snapshot failed is SHUTOFF). ERROR:
    vm_state ERROR, task_state None. Either is a compare-and-swap on the
    task_state the operation held, so a delete that started meanwhile
    keeps its own.
    """
    faults.add_instance_fault_from_exc(context, instance, exc, exc_info, host=host)
    if row.on_error == server_actions.ERROR:
        faults.set_error(instance, expected_task_state=instance.task_state)
        return
    if power is not None and power != power_state.NOSTATE:
        instance.power_state = power
        instance.vm_state = vm_state_for_power(instance.vm_state, power)
    revert_task_state(instance)


def revert_task_state(instance):
    """Put task_state back to None if it is still what this process last saw."""
    expected = instance.task_state
    instance.task_state = None
    try:
        instance.save(expected_task_state=[expected])
    except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
        LOG.info("Instance %s changed while its task_state was reverted", instance.uuid)


def power_state_of(driver, instance):
    """Return the hypervisor's power_state of ``instance`` (NOSTATE when gone)."""
    try:
        return driver.get_info(instance).state
    except exception.InstanceNotFound:
        return power_state.NOSTATE


#: vm_states that only say what the guest's power is; the others (ERROR,
#: shelved, rescued, resized, soft-deleted, ...) say more and are kept.
_POWER_DEFINED = (vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                  vm_states.SUSPENDED)


def vm_state_for_power(current_vm_state, state):
    """The vm_state a server at rest should have for a hypervisor power state.

    Used when a revert or a recovery cannot know what the interrupted
    operation reached: a running guest is ACTIVE, an off one STOPPED,
    a paused one PAUSED, a suspended one SUSPENDED; ERROR and states that
    say more than the power (shelved, offloaded, rescued, resized,
    soft-deleted, building) are kept.
    """
    if current_vm_state not in _POWER_DEFINED:
        return current_vm_state
    return {
        power_state.RUNNING: vm_states.ACTIVE,
        power_state.SHUTDOWN: vm_states.STOPPED,
        power_state.CRASHED: vm_states.STOPPED,
        power_state.PAUSED: vm_states.PAUSED,
        power_state.SUSPENDED: vm_states.SUSPENDED,
    }.get(state, current_vm_state)
