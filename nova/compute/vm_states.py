"""The vm_state values of an instance: the stable state a user sees.

An instance is always in exactly one vm_state; a task_state (see
``nova.compute.task_states``) says what is happening to it right now. The
strings are upstream Nova's, stored in ``instances.vm_state`` and shown as the
``OS-EXT-STS:vm_state`` attribute of a server.
"""

ACTIVE = "active"
BUILDING = "building"
PAUSED = "paused"
SUSPENDED = "suspended"
STOPPED = "stopped"
RESCUED = "rescued"
RESIZED = "resized"
SOFT_DELETED = "soft-delete"
DELETED = "deleted"
ERROR = "error"
SHELVED = "shelved"
SHELVED_OFFLOADED = "shelved_offloaded"

#: Every valid vm_state, in upstream's order.
ALL_STATES = (
    ACTIVE, BUILDING, PAUSED, SUSPENDED, STOPPED, RESCUED, RESIZED,
    SOFT_DELETED, DELETED, ERROR, SHELVED, SHELVED_OFFLOADED,
)

#: States in which a guest may be (re)started with a hard reboot.
ALLOW_HARD_REBOOT = (ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR)

#: States from which a soft reboot is accepted.
ALLOW_SOFT_REBOOT = (ACTIVE,)

#: States whose instance has no guest on a hypervisor, so no host resources.
UNSCHEDULED_STATES = (BUILDING, SHELVED_OFFLOADED)
