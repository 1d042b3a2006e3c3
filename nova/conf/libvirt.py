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
    cfg.StrOpt(
        "images_volume_group",
        help="""
LVM volume group holding the instances' disks when images_type is ``lvm``.

Default: unset

Related options:
* images_type
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
    cfg.ListOpt(
        "disk_cachemodes",
        default=[],
        help="""
Cache mode per disk source type, as ``source=mode`` pairs, overriding the
driver's choice (none when the host supports O_DIRECT, writeback otherwise).

Default: empty

Possible values:
* Sources: file, block, network, mount.
* Modes: default, none, writethrough, writeback, directsync, unsafe;
  e.g. file=directsync,block=none.
""",
    ),
    cfg.StrOpt(
        "hw_disk_discard",
        choices=[
            ("ignore", "Drop the guest's discard/TRIM requests."),
            ("unmap", "Pass them on, freeing space in sparse images."),
        ],
        help="""
What the hypervisor does with discard (TRIM/UNMAP) requests from guests.

Default: unset (libvirt's default, which ignores them).
""",
    ),
    cfg.StrOpt(
        "rng_dev_path",
        default="/dev/urandom",
        help="""
Host entropy source behind a guest's virtio-rng device (added when the
flavor's hw_rng:allowed extra spec permits it).

Default: /dev/urandom
""",
    ),
    cfg.IntOpt(
        "mem_stats_period_seconds",
        default=10,
        help="""
Seconds between two memory statistics reports of a guest's balloon device.

Default: 10

Possible values:
* 0 or a negative number: no statistics.
* A positive integer number of seconds.
""",
    ),
    cfg.StrOpt(
        "sysinfo_serial",
        default="unique",
        choices=[
            ("none", "Do not set a serial number."),
            ("os", "The host's /etc/machine-id."),
            ("hardware", "The host's hardware UUID from libvirt."),
            ("auto", "os when /etc/machine-id is readable, else hardware."),
            ("unique", "The instance's UUID."),
        ],
        help="""
Serial number guests see in their SMBIOS system information.

Default: unique
""",
    ),
    cfg.IntOpt(
        "num_pcie_ports",
        default=0,
        min=0,
        max=28,
        help="""
PCIe root ports given to q35 and aarch64 virt guests, each a slot for a
hot-plugged device.

Default: 0 (libvirt's default number).

Possible values:
* An integer from 0 to 28.
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
