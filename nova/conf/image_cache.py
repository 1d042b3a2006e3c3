"""[image_cache]: the per-host cache of Glance images on compute hosts."""

from oslo_config import cfg

image_cache_group = cfg.OptGroup(
    "image_cache",
    title="Image cache options",
    help="""
Each compute host keeps a copy of the images its guests boot from under
$instances_path/<subdirectory_name>; guests' disks are overlays on it.
Copies are not removed automatically.
""",
)

image_cache_opts = [
    cfg.StrOpt(
        "subdirectory_name",
        default="_base",
        help="""
Name of the cache directory under instances_path. Hosts sharing
instances_path (e.g. over NFS) share the cache too.

Default: _base

Related options:
* instances_path
""",
    ),
]


def register_opts(conf):
    """Register the [image_cache] group on ``conf``."""
    conf.register_group(image_cache_group)
    conf.register_opts(image_cache_opts, group=image_cache_group)


def list_opts():
    """Return {image_cache_group: [options]} for the config generator."""
    return {image_cache_group: image_cache_opts}
