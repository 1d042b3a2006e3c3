"""[libvirt]: the libvirt virt driver (compute_driver = libvirt.LibvirtDriver)."""

from oslo_config import cfg

libvirt_group = cfg.OptGroup(
    "libvirt",
    title="Libvirt driver options",
    help="Options of the libvirt driver, used only by nova-compute.",
)

libvirt_opts = [
    cfg.StrOpt(
        "virt_type",
        default="kvm",
        choices=[
            ("kvm", "Hardware-accelerated QEMU (needs /dev/kvm)."),
            ("lxc", "Linux containers run by libvirt-lxc."),
            ("qemu", "Plain QEMU emulation (TCG); slow, works without KVM."),
            ("parallels", "Virtuozzo/Parallels containers and VMs."),
        ],
        help="""
The kind of guest the libvirt driver creates; selects the libvirt
connection URI when connection_uri is empty (qemu:///system for kvm and qemu,
lxc:/// for lxc, parallels:///system for parallels).

Default: kvm. Hosts without hardware virtualisation (nested CI machines)
need qemu.

Related options:
* connection_uri
* compute_driver
""",
    ),
    cfg.StrOpt(
        "connection_uri",
        default="",
        help="""
The libvirt URI to connect to, overriding the one virt_type implies.

Default: empty (derived from virt_type).

Possible values:
* A libvirt URI, e.g. qemu:///system or qemu+ssh://host/system.

Related options:
* virt_type
""",
    ),
    cfg.StrOpt(
        "cpu_mode",
        choices=[
            ("host-model", "A CPU model close to the host's, migratable."),
            ("host-passthrough", "The host CPU as is; fastest, least migratable."),
            ("none", "Libvirt's default model for the virt type (no <cpu> element)."),
        ],
        help="""
The CPU model guests see. host-model and host-passthrough need hardware
acceleration (virt_type kvm).

Default: unset, meaning host-model for kvm, none otherwise.

Related options:
* virt_type
""",
    ),
    cfg.StrOpt(
        "snapshot_image_format",
        choices=[
            ("raw", "Raw disk image."),
            ("qcow2", "QCOW2 image."),
            ("vmdk", "VMware disk."),
            ("vdi", "VirtualBox disk."),
        ],
        help="""
Disk format of the images that snapshots upload to Glance.

Default: unset, meaning the format of the instance's root disk.
""",
    ),
    cfg.IntOpt(
        "wait_soft_reboot_seconds",
        default=120,
        min=0,
        help="""
Seconds a soft reboot waits for the guest to shut down by itself before the
driver falls back to a hard reboot.

Default: 120
""",
    ),
]


def register_opts(conf):
    """Register the [libvirt] group on ``conf``."""
    conf.register_group(libvirt_group)
    conf.register_opts(libvirt_opts, group=libvirt_group)


def list_opts():
    """Return {libvirt_group: [options]} for the config generator."""
    return {libvirt_group: libvirt_opts}
