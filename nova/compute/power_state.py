"""Power states of a guest as the hypervisor reports them.

The integers are what ``instances.power_state`` stores and what the API
returns as ``OS-EXT-STS:power_state``; the values skip 2 and 5 because
upstream retired BLOCKED and FAILED.
"""

NOSTATE = 0x00
RUNNING = 0x01
PAUSED = 0x03
SHUTDOWN = 0x04  # the guest is off (libvirt "shutoff" maps here too)
CRASHED = 0x06
SUSPENDED = 0x07

#: Readable names, for logs and the servers' diagnostics.
STATE_MAP = {
    NOSTATE: "pending",
    RUNNING: "running",
    PAUSED: "paused",
    SHUTDOWN: "shutdown",
    CRASHED: "crashed",
    SUSPENDED: "suspended",
}

#: Every valid power_state value.
ALL_STATES = tuple(STATE_MAP)
