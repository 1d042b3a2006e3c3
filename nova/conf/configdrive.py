"""[DEFAULT] options of config drives: the read-only disk that hands a guest
its metadata (SSH keys, user data, network settings) without the metadata
service.
"""

from oslo_config import cfg

config_drive_opts = [
    cfg.StrOpt(
        "config_drive_format",
        default="iso9660",
        choices=[
            ("iso9660", "An ISO 9660 image labelled config-2 (what cloud-init expects)."),
            ("vfat", "A VFAT image, for hypervisors that cannot attach a CD-ROM."),
        ],
        help="""
File system of the config drive image.

Default: iso9660

Related options:
* force_config_drive
* mkisofs_cmd
""",
    ),
    cfg.BoolOpt(
        "force_config_drive",
        default=False,
        help="""
Give every new server a config drive, whether or not the create request
asks for one (``config_drive: true``).

Default: False

Related options:
* config_drive_format
""",
    ),
    cfg.StrOpt(
        "mkisofs_cmd",
        default="genisoimage",
        help="""
Program that builds ISO 9660 config drives (genisoimage, mkisofs or
xorrisofs with mkisofs-compatible options); a bare name is looked up in PATH.

Default: genisoimage

Related options:
* config_drive_format
""",
    ),
]


def register_opts(conf):
    """Register the config drive options on ``conf`` in [DEFAULT]."""
    conf.register_opts(config_drive_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": config_drive_opts}
