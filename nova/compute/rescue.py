"""Rescue and unrescue on this host (compute RPC 6.5).

A rescued server boots a rescue image (the one the user named, else the
server's own image) with the server's disk attached as the second disk,
so a broken guest can be repaired from outside; unrescue boots it from its
own disk again. The server is RESCUE in between, as upstream.
"""

import logging

from nova.compute import operation, power, vm_states

LOG = logging.getLogger(__name__)


def rescue_instance(svc, context, instance, rescue_password=None, rescue_image_ref=None,
                    clean_shutdown=True):
    """Stop the guest and boot the rescue image; RESCUED.

    :param rescue_password: the rescue guest's admin password (drivers
        that cannot inject one ignore it, as upstream's libvirt does
        without config drive).
    :param rescue_image_ref: Glance image id to boot, or None for the
        server's own image.
    :param clean_shutdown: give the guest [DEFAULT] shutdown_timeout
        seconds to shut down first.
    """
    with operation.instance_operation(svc, context, instance, "rescue") as op:
        image = svc.image_api.show(context, rescue_image_ref or instance.image_ref)
        svc.driver.rescue(context, instance, image, rescue_password,
                          timeout=power.shutdown_timeout(instance, clean_shutdown))
        op.finish(vm_state=vm_states.RESCUED,
                  power_state=operation.power_state_of(svc.driver, instance))


def unrescue_instance(svc, context, instance):
    """Remove the rescue guest and boot the server from its own disk; ACTIVE."""
    with operation.instance_operation(svc, context, instance, "unrescue") as op:
        svc.driver.unrescue(context, instance)
        op.finish(vm_state=vm_states.ACTIVE,
                  power_state=operation.power_state_of(svc.driver, instance))
