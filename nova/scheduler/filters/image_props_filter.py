"""ImagePropertiesFilter: the host's hypervisor must run what the image needs.

The image properties hw_architecture (or architecture), img_hv_type (or
hypervisor_type) and hw_vm_mode (or vm_mode) are matched against the host's
supported instances, a list of (architecture, hypervisor type, vm mode)
triples. Images without these properties fit every host.
"""

from nova.scheduler import utils
from nova.scheduler.filters import base

_ALIASES = {
    "arch": ("hw_architecture", "architecture"),
    "hv_type": ("img_hv_type", "hypervisor_type"),
    "vm_mode": ("hw_vm_mode", "vm_mode"),
}


def _canonical_hv_type(value):
    # Glance images say "qemu" or "kvm"; both run on a QEMU hypervisor.
    value = (value or "").lower()
    return "qemu" if value in ("kvm", "qemu") else value


def _image_props(spec_obj):
    image = utils.get_field(spec_obj, "image") or {}
    props = utils.get_field(image, "properties") or {}
    if not isinstance(props, dict) and hasattr(props, "obj_to_primitive"):
        props = {k: getattr(props, k) for k in props.obj_fields if props.obj_attr_is_set(k)}
    wanted = {}
    for key, names in _ALIASES.items():
        for name in names:
            if props.get(name):
                wanted[key] = str(props[name]).lower()
                break
    return wanted


class ImagePropertiesFilter(base.BaseHostFilter):
    """Pass hosts whose supported_instances include the image's requirements."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        wanted = _image_props(spec_obj)
        if not wanted:
            return True
        for arch, hv_type, vm_mode in host_state.supported_instances:
            if "arch" in wanted and wanted["arch"] != arch.lower():
                continue
            if "hv_type" in wanted and _canonical_hv_type(wanted["hv_type"]) != \
                    _canonical_hv_type(hv_type):
                continue
            if "vm_mode" in wanted and wanted["vm_mode"] != vm_mode.lower():
                continue
            return True
        return False
