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
        "images_type",
        default="default",
        choices=[
            ("raw", "Plain raw files."),
            ("flat", "Same as raw."),
            ("qcow2", "qcow2 overlays on a cached base image."),
            ("lvm", "Logical volumes in images_volume_group."),
            ("rbd", "Ceph RBD volumes."),
            ("ploop", "Virtuozzo ploop images."),
            ("default", "qcow2 when use_cow_images is on, else raw."),
        ],
        help="""
The storage format of the instances' local disks (root, ephemeral, swap).

Default: default

Related options:
* use_cow_images
""",
    ),
    cfg.BoolOpt(
        "use_cow_images",
        default=True,
        help="""
Back instance disks with copy-on-write qcow2 overlays on a shared base image
when images_type is ``default``; otherwise every disk is a full copy.

Default: True

Related options:
* images_type
""",
    ),
    cfg.StrOpt(
        "cpu_mode",
        choices=[
            ("host-model", "A CPU model close to the host's, migratable."),
            ("host-passthrough", "The host CPU as is; fastest, least migratable."),
            ("custom", "The named models in cpu_models."),
            ("none", "Libvirt's default model for the virt type."),
        ],
        help="""
The CPU model guests see.

Default: unset, meaning host-model for kvm and qemu, none otherwise.

Related options:
* cpu_models
* virt_type
""",
    ),
    cfg.ListOpt(
        "cpu_models",
        default=[],
        help="""
Named CPU models (as ``virsh cpu-models x86_64`` lists), in order of
preference, used when cpu_mode is ``custom``.

Default: empty

Related options:
* cpu_mode
""",
    ),
    cfg.ListOpt(
        "hw_machine_type",
        help="""
Machine type per guest architecture, as ``arch=machine_type`` pairs, for
guests whose image has no hw_machine_type property.

Default: unset (libvirt's default for the architecture).

Possible values:
* e.g. x86_64=q35,aarch64=virt
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
