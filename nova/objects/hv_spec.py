"""HVSpec: one (architecture, hypervisor type, vm mode) a compute node can run."""

from nova.objects import base, fields


@base.NovaObjectRegistry.register
class HVSpec(base.NovaObject):
    """A guest kind a hypervisor supports, e.g. ("x86_64", "kvm", "hvm").

    Stored in ``compute_nodes.supported_instances`` as a JSON list of
    ``[arch, hv_type, vm_mode]`` triples, which ``to_list``/``from_list`` map.
    """

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "arch": fields.StringField(),
        "hv_type": fields.StringField(),
        "vm_mode": fields.StringField(),
    }

    @classmethod
    def from_list(cls, data):
        """Build from ``[arch, hv_type, vm_mode]`` (list of 3 str)."""
        return cls(arch=data[0], hv_type=data[1], vm_mode=data[2])

    def to_list(self):
        """Return ``[arch, hv_type, vm_mode]``."""
        return [self.arch, self.hv_type, self.vm_mode]
