"""Shelving, offloading and unshelving instances on this host (compute RPC 6.4).

shelve: the guest is powered off (cleanly, [DEFAULT] shutdown_timeout),
its root disk uploaded as the snapshot image nova-api created, and the
server is SHELVED, its system metadata saying when, which image and
where (``shelved_at``, ``shelved_image_id``, ``shelved_host``). With
[DEFAULT] shelved_offload_time 0 it is offloaded at once; with a
positive value the periodic ``offload_expired`` offloads it that many
seconds later; with -1 never.

shelveOffload: the guest and its disks go, the Placement allocation is
removed and the server has no host or node any more (SHELVED_OFFLOADED):
it holds nothing on any host.

unshelve: a SHELVED server is powered on where it is; a SHELVED_OFFLOADED
one was scheduled again by the conductor, which sent it here: it boots
from its shelved snapshot. Either way the snapshot is then deleted and the
server is ACTIVE. A failed unshelve of an offloaded server leaves it
SHELVED_OFFLOADED again, with a fault and without a host or allocation.
"""

import datetime
import logging

from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import (
    instance_actions,
    operation,
    power,
    power_state,
    snapshot,
    snapshot_meta,
    task_states,
    vm_states,
)

LOG = logging.getLogger(__name__)


def shelve_instance(svc, context, instance, image_id, clean_shutdown=True,
                    offload_time=0):
    """Power the guest off, upload its disk as ``image_id``; SHELVED.

    :param image_id: the queued snapshot image the API created.
    :param clean_shutdown: give the guest its shutdown timeout first.
    :param offload_time: [DEFAULT] shelved_offload_time; 0 offloads at once.
    """
    offload_now = offload_time == 0
    with operation.instance_operation(svc, context, instance, "shelve") as op:
        timeout = power.shutdown_timeout(instance, clean_shutdown)
        svc.driver.power_off(instance, timeout, retry_interval=1)
        snapshot.upload(svc, context, instance, image_id, op,
                        task_states.SHELVING_IMAGE_PENDING_UPLOAD,
                        task_states.SHELVING_IMAGE_UPLOADING)
        sysmeta = dict(instance.system_metadata)
        sysmeta.update(shelved_at=timeutils.utcnow().isoformat(),
                       shelved_image_id=image_id, shelved_host=svc.host)
        # As upstream, the offload's task_state is set in the same swap, so
        # nothing can act on the server between the two operations.
        op.finish(vm_state=vm_states.SHELVED,
                  task_state=task_states.SHELVING_OFFLOADING if offload_now else None,
                  power_state=operation.power_state_of(svc.driver, instance),
                  system_metadata=sysmeta)
    LOG.info("Instance %s shelved to image %s", instance.uuid, image_id)
    if offload_now:
        shelve_offload_instance(svc, context, instance)


def shelve_offload_instance(svc, context, instance, clean_shutdown=True):
    """Remove the shelved guest and free the host; SHELVED_OFFLOADED.

    :param clean_shutdown: give a guest still running its shutdown timeout.
    """
    with operation.instance_operation(svc, context, instance, "shelveOffload") as op:
        if operation.power_state_of(svc.driver, instance) == power_state.RUNNING:
            svc.driver.power_off(instance, power.shutdown_timeout(instance, clean_shutdown),
                                 retry_interval=1)
        svc.driver.destroy(context, instance)
        # Its console is gone: the tokens must not open a later guest's.
        objects.ConsoleAuthToken.clean_console_auths_for_instance(context, instance.uuid)
        svc.reportclient.delete_allocation_for_instance(context, instance.uuid)
        op.finish(vm_state=vm_states.SHELVED_OFFLOADED, power_state=power_state.NOSTATE,
                  host=None, node=None)
    LOG.info("Instance %s offloaded from %s", instance.uuid, svc.host)


def unshelve_instance(svc, context, instance, image=None, node=None):
    """Power on a SHELVED guest, or boot an offloaded one here; ACTIVE.

    :param image: the shelved snapshot's Glance metadata (the conductor
        read it); looked up from ``shelved_image_id`` when None.
    :param node: the node the scheduler chose (offloaded servers).
    :raises: the driver's error; an offloaded server is then
        SHELVED_OFFLOADED again, without host, node or allocation.
    """
    with operation.instance_operation(svc, context, instance, "unshelve") as op:
        if instance.vm_state == vm_states.SHELVED:
            svc.driver.power_on(context, instance)
        else:
            _spawn_offloaded(svc, context, instance, image, node, op)
        image_id = instance.system_metadata.get("shelved_image_id")
        op.finish(vm_state=vm_states.ACTIVE,
                  power_state=operation.power_state_of(svc.driver, instance),
                  system_metadata=snapshot_meta.without_shelved_keys(
                      instance.system_metadata))
    # The server runs from its own disk now: the snapshot has served.
    snapshot_meta.delete_shelved_image(svc.image_api, context, instance, image_id)
    LOG.info("Instance %s unshelved on %s", instance.uuid, svc.host)


def _spawn_offloaded(svc, context, instance, image, node, op):
    op.save(host=svc.host, node=node or instance.node, launched_on=svc.host)
    try:
        if image is None:
            image = svc.image_api.show(context, instance.system_metadata["shelved_image_id"])
        allocations = svc.reportclient.get_allocations_for_consumer(context, instance.uuid)
        svc.driver.spawn(context, instance, image, [], None, allocations)
    except Exception:
        # Back to holding nothing anywhere; instance_operation records the
        # fault and clears the task_state (saving these fields with it).
        LOG.exception("Unshelve of instance %s failed on %s", instance.uuid, svc.host)
        try:
            svc.driver.destroy(context, instance)
        except Exception:
            LOG.exception("Could not clean up the guest of instance %s", instance.uuid)
        svc.reportclient.delete_allocation_for_instance(context, instance.uuid)
        instance.host = None
        instance.node = None
        raise


def offload_expired(svc, context, offload_time, run_offload):
    """Offload this host's servers SHELVED for more than ``offload_time`` seconds.

    The periodic task of [DEFAULT] shelved_offload_time; each offload is
    recorded as a shelveOffload action, as if an administrator asked.

    :param offload_time: seconds; 0 or less does nothing (offloaded at
        once, or never).
    :param run_offload: callable(context, instance) running the offload
        (the ComputeManager's RPC method).
    :returns: the uuids offloaded.
    """
    if offload_time <= 0:
        return []
    cutoff = timeutils.utcnow() - datetime.timedelta(seconds=offload_time)
    offloaded = []
    for instance in objects.InstanceList.get_by_filters(
            context, {"host": svc.host, "vm_state": [vm_states.SHELVED],
                      "task_state": [None], "deleted": False},
            expected_attrs=["system_metadata"]):
        shelved_at = (instance.system_metadata or {}).get("shelved_at")
        if not shelved_at or timeutils.parse_isotime(shelved_at).replace(
                tzinfo=None) > cutoff:
            continue
        try:
            instance.task_state = task_states.SHELVING_OFFLOADING
            instance.save(expected_task_state=[None])
            objects.InstanceAction.action_start(
                context, instance.uuid, instance_actions.SHELVE_OFFLOAD, want_result=False)
            run_offload(context, instance)
            offloaded.append(instance.uuid)
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.info("Instance %s changed while being offloaded", instance.uuid)
        except Exception:
            LOG.exception("Could not offload instance %s", instance.uuid)
    return offloaded
