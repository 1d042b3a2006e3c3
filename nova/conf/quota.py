"""[quota]: default per-project limits and how they are enforced.

Each limit applies to a project that has no limit of its own (set through
the os-quota-sets API) and no per-class limit. -1 means unlimited.
"""

from oslo_config import cfg

quota_group = cfg.OptGroup(
    "quota",
    title="Quota options",
    help="Default per-project limits (-1 means unlimited) and the quota driver.",
)


def _limit(name, default, what, unit=""):
    unit_text = f", in {unit}" if unit else ""
    return cfg.IntOpt(
        name,
        default=default,
        min=-1,
        help=f"""
Default number of {what} a project may have{unit_text}.

Default: {default}

Possible values:
* -1: unlimited.
* 0: none allowed.
* A positive integer.

Related options:
* driver
""",
    )


quota_opts = [
    _limit("instances", 10, "servers"),
    _limit("cores", 20, "vCPUs (summed over the project's servers)"),
    _limit("ram", 50 * 1024, "MiB of RAM (summed over the project's servers)", "MiB"),
    _limit("metadata_items", 128, "metadata key/value pairs per server"),
    _limit("injected_files", 5, "files injected into each server (personality)"),
    _limit(
        "injected_file_content_bytes",
        10 * 1024,
        "bytes in each injected file",
        "bytes",
    ),
    _limit("injected_file_path_length", 255, "characters in an injected file's path"),
    _limit("key_pairs", 100, "key pairs per user"),
    _limit("server_groups", 10, "server groups"),
    _limit("server_group_members", 10, "servers in each server group"),
    cfg.StrOpt(
        "driver",
        default="nova.quota.DbQuotaDriver",
        choices=[
            (
                "nova.quota.DbQuotaDriver",
                "Limits stored in the API database (os-quota-sets).",
            ),
            ("nova.quota.NoopQuotaDriver",
             "No limits at all: every limit reads -1 (unlimited) and nothing is refused."),
        ],
        help="""
Where limits come from and whether they are enforced.

Default: nova.quota.DbQuotaDriver

Keystone's unified limits (upstream's UnifiedLimitsDriver) are not
implemented.
""",
    ),
]


def register_opts(conf):
    """Register the [quota] group on ``conf``."""
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    """Return {quota_group: [options]} for the config generator."""
    return {quota_group: quota_opts}
