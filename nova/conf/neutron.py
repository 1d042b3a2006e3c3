"""[neutron]: the options of the Networking service that nova-api-metadata reads.

Only the metadata proxy options live here: this deployment has no Neutron
client yet. A Neutron metadata agent (or any proxy) in front of
nova-api-metadata names the instance in signed headers; these options say
whether such headers are trusted and with which secret they are signed.
"""

from oslo_config import cfg

neutron_group = cfg.OptGroup(
    "neutron",
    title="Neutron options",
    help="Options of the Networking service, as seen by the metadata service.",
)

metadata_proxy_opts = [
    cfg.BoolOpt(
        "service_metadata_proxy",
        default=False,
        help="""
Trust requests relayed by a metadata proxy: nova-api-metadata then finds the
instance from the X-Instance-ID and X-Tenant-ID headers, after checking
X-Instance-ID-Signature (hex HMAC-SHA256 of the instance id keyed with
metadata_proxy_shared_secret).

When False the headers are ignored and the instance would be found from the
requester's fixed IP address, which needs network information this
deployment does not keep: every per-instance path then answers 404.

Default: False

Related options:
* metadata_proxy_shared_secret
""",
    ),
    cfg.StrOpt(
        "metadata_proxy_shared_secret",
        default="",
        secret=True,
        help="""
Secret shared with the metadata proxy, the key of the HMAC-SHA256 signature
in X-Instance-ID-Signature. Use a long random string; the same value goes
into the proxy's configuration (the Neutron metadata agent's option of the
same name).

Default: empty (signatures are then keyed with an empty string: set it)

Related options:
* service_metadata_proxy
""",
    ),
]


def register_opts(conf):
    """Register the [neutron] group's metadata proxy options on ``conf``."""
    conf.register_group(neutron_group)
    conf.register_opts(metadata_proxy_opts, group=neutron_group)


def list_opts():
    """Return {neutron_group: [options]} for the config generator."""
    return {neutron_group: metadata_proxy_opts}
