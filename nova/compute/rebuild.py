"""Rebuilding an instance on this host (compute RPC 6.4).

The API has already switched the instance to its new image (image_ref,
kernel, ramdisk, image properties) and set task_state rebuilding. Here
the guest gets a fresh root disk from that image and boots, keeping its
id, flavor, host and allocation:

    rebuilding -> rebuild_spawning -> ACTIVE (or SHUTOFF again when the
    server was stopped, as upstream)

A failed rebuild leaves the server in ERROR with a fault (upstream's
rule): the user rebuilds again or deletes it.
"""

import logging

from oslo_utils import timeutils

from nova.compute import operation, task_states, vm_states
from nova.notifications import payloads

LOG = logging.getLogger(__name__)


def rebuild_instance(svc, context, instance, image, injected_files=None, new_pass=None,
                     preserve_ephemeral=False):
    """Give ``instance`` a fresh disk from ``image`` and boot it.

    :param svc: the host's HostServices.
    :param image: the new image's Glance metadata dict.
    :param injected_files: [(path, base64 contents)] for drivers that inject files.
    :param new_pass: the admin password for drivers that set one.
    :param preserve_ephemeral: keep ephemeral disks (drivers that have them).
    :raises: the driver's error, after the instance is set to ERROR.
    """
    with operation.instance_operation(
            svc, context, instance, "rebuild",
            payload_cls=payloads.InstanceActionRebuildPayload,
            trusted_image_certificates=None) as op:
        was_stopped = instance.vm_state == vm_states.STOPPED
        op.save(task_state=task_states.REBUILD_SPAWNING)
        allocations = svc.reportclient.get_allocations_for_consumer(context, instance.uuid)
        svc.driver.rebuild(context, instance, image, injected_files or [], new_pass,
                           allocations, preserve_ephemeral=preserve_ephemeral)
        if was_stopped:
            # Upstream brings a stopped server back to SHUTOFF after its rebuild.
            svc.driver.power_off(instance)
        op.finish(vm_state=vm_states.STOPPED if was_stopped else vm_states.ACTIVE,
                  power_state=operation.power_state_of(svc.driver, instance),
                  launched_at=timeutils.utcnow())
    LOG.info("Instance %s rebuilt from image %s", instance.uuid, image.get("id"))
