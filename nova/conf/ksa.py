"""Helpers for groups that configure a keystoneauth1 client of another
service ([placement], [glance]).

Not an option module itself (it is absent from nova.conf._MODULES): the
option modules of those groups call it. Each such group carries three sets of
keystoneauth1 options: the session (TLS, timeouts), the auth plugin
(``auth_type`` and the plugin's own options, loaded at run time) and the
adapter (service type, interfaces, region, endpoint override, retries).
"""

import copy

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

#: Interfaces tried in order when the group sets no valid_interfaces.
DEFAULT_VALID_INTERFACES = ["internal", "public"]

#: The auth plugin whose options the sample file shows; deployments may pick
#: any plugin with auth_type.
SAMPLE_AUTH_PLUGIN = "password"


def adapter_opts(service_type):
    """Return keystoneauth1's adapter options with nova's defaults.

    :param service_type: the service-catalog type of the other service,
        e.g. "placement" or "image"; becomes the service_type default.
    :returns: a new list of oslo.config options (deep copies, so changing
        their defaults does not touch keystoneauth1's own).
    """
    opts = copy.deepcopy(ks_loading.get_adapter_conf_options(include_deprecated=False))
    for opt in opts:
        if opt.dest == "service_type":
            opt.default = service_type
        elif opt.dest == "valid_interfaces":
            opt.default = list(DEFAULT_VALID_INTERFACES)
    return opts


def register_ksa_opts(conf, group, service_opts):
    """Register session, auth and adapter options of ``group`` on ``conf``.

    :param conf: an oslo.config ConfigOpts.
    :param group: the module's OptGroup (its name, title and help are used;
        the object itself is not registered).
    :param service_opts: the adapter options from adapter_opts(); pass the
        same list object every time so a second registration is a no-op.
    """
    # oslo.config keeps a group's options in the OptGroup object itself and
    # only shallow-copies it per ConfigOpts; keystoneauth1 registers the auth
    # plugin's options (some required) when it loads the plugin. A private
    # OptGroup per ConfigOpts keeps one configuration's plugin options out
    # of every other configuration that registers the same module.
    conf.register_group(cfg.OptGroup(group.name, title=group.title, help=group.help))
    ks_loading.register_session_conf_options(conf, group.name)
    ks_loading.register_auth_conf_options(conf, group.name)
    conf.register_opts(service_opts, group=group.name)


def list_ksa_opts(service_opts):
    """Return every keystoneauth1 option of a group, for the sample file.

    :param service_opts: the group's adapter options from adapter_opts().
    :returns: session, auth-common, SAMPLE_AUTH_PLUGIN's and adapter options,
        each name once.
    """
    opts = (
        ks_loading.get_session_conf_options()
        + ks_loading.get_auth_common_conf_options()
        + ks_loading.get_auth_plugin_conf_options(SAMPLE_AUTH_PLUGIN)
        + list(service_opts)
    )
    seen = set()
    unique = []
    for opt in opts:
        if opt.dest not in seen:
            seen.add(opt.dest)
            unique.append(opt)
    return unique


def load_adapter(conf, group):
    """Build the keystoneauth1 Adapter a client of ``group``'s service uses.

    Loads the auth plugin (``auth_type`` and its options; None when unset),
    the session options (TLS, timeout) and the adapter options (service
    type, interfaces, region, endpoint_override, retries) of ``group``.

    :param conf: an oslo.config ConfigOpts with ``group`` registered through
        register_ksa_opts().
    :param group: the group's name, e.g. "placement" or "glance".
    :returns: keystoneauth1.adapter.Adapter with raise_exc=False: HTTP
        errors come back as responses, callers read the status code.
    """
    auth = ks_loading.load_auth_from_conf_options(conf, group)
    session = ks_loading.load_session_from_conf_options(conf, group, auth=auth)
    return ks_loading.load_adapter_from_conf_options(
        conf, group, session=session, auth=auth, raise_exc=False)
