"""[image_cache]: the per-host cache of Glance images on compute hosts."""

from oslo_config import cfg

image_cache_group = cfg.OptGroup(
    "image_cache",
    title="Image cache options",
    help="""
Each compute host keeps a copy of the images its guests boot from under
$instances_path/<subdirectory_name>; guests' disks are overlays on it. A
periodic task removes the copies no guest uses any more.
""",
)

image_cache_opts = [
    cfg.IntOpt(
        "manager_interval",
        default=2400,
        min=-1,
        help="""
Seconds between two runs of the task that removes unused cached images.

Default: 2400

Possible values:
* -1: never.
* 0: at the default periodic task spacing (60 seconds).
* A positive integer number of seconds.
""",
    ),
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
    cfg.BoolOpt(
        "remove_unused_base_images",
        default=True,
        help="""
Let the periodic task delete cached images no guest on this host uses.

Default: True

Related options:
* remove_unused_original_minimum_age_seconds
""",
    ),
    cfg.IntOpt(
        "remove_unused_original_minimum_age_seconds",
        default=24 * 3600,
        help="""
Seconds an unused cached image must stay untouched before it is deleted,
so a new guest of the same image soon after does not download it again.

Default: 86400

Related options:
* remove_unused_base_images
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
