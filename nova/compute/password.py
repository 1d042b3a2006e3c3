"""Changing a guest's administrative password (changePassword, compute RPC 6.5).

It is a call: the user learns at once whether it worked. A driver that
cannot reach the guest (no guest agent) refuses, and the server stays as
it was.
"""

from nova.compute import operation


def set_admin_password(svc, context, instance, new_pass):
    """Set the guest's admin password; the server stays ACTIVE.

    :raises InstanceAgentNotEnabled: the guest has no agent to do it.
    :raises NotImplementedError: the driver cannot set passwords at all.
    """
    with operation.instance_operation(svc, context, instance, "changePassword") as op:
        svc.driver.set_admin_password(instance, new_pass)
        op.finish()
