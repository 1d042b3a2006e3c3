"""[service_user]: nova's own credentials, sent as a service token beside
the user's token when nova calls another service on a user's behalf.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova.conf import ksa

service_user_group = cfg.OptGroup(
    "service_user",
    title="Service token options",
    help="""
Credentials of nova's service user, as keystoneauth1 auth and session options
(auth_type and the plugin's options, e.g. auth_url, username, password,
project_name, user_domain_name, project_domain_name for ``password``).

With send_service_user_token, a request nova makes for a user (to Glance)
carries this user's token as ``X-Service-Token`` beside the user's own
``X-Auth-Token``. A service that sees a valid service token accepts the
user's token even when it expired while the request was under way (a long
build or snapshot), as keystonemiddleware's service token support allows.
""",
)

service_user_opts = [
    cfg.BoolOpt(
        "send_service_user_token",
        default=False,
        help="""
Send nova's service token (X-Service-Token) with every request made on a
user's behalf.

Default: false

Related options:
* the auth options of this group must name a user with the ``service`` role
  (the role keystonemiddleware's service_token_roles wants by default).
""",
    ),
]


def register_opts(conf):
    """Register the [service_user] options on ``conf``."""
    conf.register_group(cfg.OptGroup(service_user_group.name, title=service_user_group.title,
                                     help=service_user_group.help))
    ks_loading.register_session_conf_options(conf, service_user_group.name)
    ks_loading.register_auth_conf_options(conf, service_user_group.name)
    conf.register_opts(service_user_opts, group=service_user_group.name)


def list_opts():
    """Return {service_user_group: [options]} for the config generator."""
    opts = (ks_loading.get_session_conf_options()
            + ks_loading.get_auth_common_conf_options()
            + ks_loading.get_auth_plugin_conf_options(ksa.SAMPLE_AUTH_PLUGIN))
    seen = set()
    unique = []
    for opt in service_user_opts + opts:
        if opt.dest not in seen:
            seen.add(opt.dest)
            unique.append(opt)
    return {service_user_group: unique}
