"""The state names are upstream's: clients and operators match on these strings."""

import pytest

from nova.compute import power_state, task_states, vm_states
from nova.objects import fields


def test_vm_state_strings():
    assert (vm_states.ACTIVE, vm_states.SOFT_DELETED, vm_states.SHELVED_OFFLOADED) == (
        "active", "soft-delete", "shelved_offloaded")
    assert len(set(vm_states.ALL_STATES)) == 12


def test_task_state_strings():
    assert (task_states.POWERING_OFF, task_states.SCHEDULING,
            task_states.REBOOT_STARTED_HARD) == (
        "powering-off", "scheduling", "reboot_started_hard")
    assert len(set(task_states.ALL_STATES)) == len(task_states.ALL_STATES)


def test_power_state_values_and_names():
    assert (power_state.NOSTATE, power_state.RUNNING, power_state.PAUSED,
            power_state.SHUTDOWN, power_state.CRASHED, power_state.SUSPENDED) == (
        0, 1, 3, 4, 6, 7)
    assert power_state.STATE_MAP[power_state.SHUTDOWN] == "shutdown"


def test_state_enum_fields_reject_unknown_values():
    field = fields.InstanceTaskStateField(nullable=True)
    assert field.coerce(None, "task_state", "spawning") == "spawning"
    assert field.coerce(None, "task_state", None) is None
    with pytest.raises(ValueError):
        field.coerce(None, "task_state", "dancing")
