"""[DEFAULT] options that say where nova keeps its files on disk."""

from oslo_config import cfg

path_opts = [
    cfg.StrOpt(
        "state_path",
        default="/var/lib/nova",
        help="""
Top-level directory for the service's persistent state.

Other path options (instances_path, the default SQLite URLs of [database] and
[api_database], lock directories) are written relative to it as
``$state_path/...``, so moving the whole tree means changing only this option.

Default: /var/lib/nova

Possible values:
* An absolute directory path writable by the service user.

Related options:
* instances_path
* [database] connection, [api_database] connection
""",
    ),
]


def register_opts(conf):
    """Register the path options on ``conf`` in [DEFAULT]."""
    conf.register_opts(path_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": path_opts}
