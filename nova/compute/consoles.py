"""Remote consoles on the compute host: ask the driver, issue the token.

nova-compute is the only place that knows where a guest's VNC or SPICE
server or its serial port listens, so it creates the ConsoleAuthToken (the
row is written by nova-conductor through object indirection, in the
instance's cell database) and hands back the URL the user opens. The
console proxies later find the same row by the token's hash, and ask this
host (``validate_console_port``) whether the port stored with the token is
still the instance's before they connect.

Console types, their switches, driver calls and proxy URLs are one table,
``CONSOLE_TYPES``, read by every function here.
"""

import collections

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception, objects
from nova.compute import vm_states

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

ConsoleKind = collections.namedtuple("ConsoleKind", ["protocol", "driver_method", "base_url"])
ConsoleKind.__doc__ = """One console type.

``driver_method`` is the ComputeDriver method returning where the guest's
end listens; ``base_url`` a callable reading the proxy URL from the
configuration when asked.
"""

#: protocol -> callable: are this host's consoles of that protocol on?
PROTOCOL_ENABLED = {
    "vnc": lambda: CONF.vnc.enabled,
    "spice": lambda: CONF.spice.enabled,
    "serial": lambda: CONF.serial_console.enabled,
}

#: console type -> ConsoleKind. Upstream removed "xvpvnc" and "rdp-html5"
#: and answers ConsoleTypeInvalid for them, as this does.
CONSOLE_TYPES = {
    "novnc": ConsoleKind("vnc", "get_vnc_console", lambda: CONF.vnc.novncproxy_base_url),
    "spice-html5": ConsoleKind("spice", "get_spice_console",
                               lambda: CONF.spice.html5proxy_base_url),
    "spice-direct": ConsoleKind("spice", "get_spice_console",
                                lambda: CONF.spice.spice_direct_proxy_base_url),
    "serial": ConsoleKind("serial", "get_serial_console",
                          lambda: CONF.serial_console.base_url),
}


def _driver_console(context, instance, console_type, driver):
    kind = CONSOLE_TYPES[console_type]
    try:
        return getattr(driver, kind.driver_method)(context, instance)
    except exception.InstanceNotFound:
        if instance.vm_state == vm_states.BUILDING:
            raise exception.InstanceNotReady(instance_id=instance.uuid) from None
        raise


def get_console(context, instance, console_type, driver, protocol):
    """Issue a console token for ``instance`` and return its connect info.

    Upstream's rules: the protocol's consoles off ([vnc]/[spice]/
    [serial_console] enabled false) is ConsoleTypeUnavailable; a type not
    of ``protocol`` is ConsoleTypeInvalid; a guest the hypervisor does not
    know yet while the instance is still building is InstanceNotReady.

    :param context: RequestContext of the caller (its cell's database is
        where the token row lands, through the conductor).
    :param instance: objects.Instance on this host.
    :param console_type: a key of CONSOLE_TYPES ("novnc", "spice-html5",
        "spice-direct", "serial").
    :param driver: the virt driver.
    :param protocol: "vnc", "spice" or "serial": the RPC method called.
    :returns: dict with "token" (str), "host" and "port" (the guest's
        end), "tls_port" (int or None), "internal_access_path" (str or
        None), "access_url" (the proxy URL with the token) and "expires"
        (UNIX time, seconds).
    :raises ConsoleTypeUnavailable, ConsoleTypeInvalid, InstanceNotReady,
        InstanceNotFound: see above.
    """
    if not PROTOCOL_ENABLED[protocol]():
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    kind = CONSOLE_TYPES.get(console_type)
    if kind is None or kind.protocol != protocol:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    console = _driver_console(context, instance, console_type, driver)
    tls_port = getattr(console, "tls_port", None)
    token_obj = objects.ConsoleAuthToken(
        context,
        console_type=console_type,
        host=console.host,
        port=console.port,
        tls_port=tls_port,
        internal_access_path=console.internal_access_path,
        instance_uuid=instance.uuid,
        access_url_base=kind.base_url(),
    )
    token = token_obj.authorize(CONF.consoleauth.token_ttl)
    # Through indirection only the fields the conductor changed come back;
    # the token is the method's result, so set it here for access_url.
    token_obj.token = token
    LOG.info("Issued a %s console token for instance %s (%s:%s)",
             console_type, instance.uuid, console.host, console.port)
    return {
        "token": token,
        "host": console.host,
        "port": console.port,
        "tls_port": tls_port,
        "internal_access_path": console.internal_access_path,
        "access_url": token_obj.access_url,
        "expires": token_obj.expires if token_obj.obj_attr_is_set("expires") else None,
    }


def get_vnc_console(context, instance, console_type, driver):
    """``get_console`` for the VNC protocol ("novnc"); see there."""
    return get_console(context, instance, console_type, driver, "vnc")


def validate_console_port(context, instance, port, console_type, driver):
    """Return True when ``port`` is still where ``instance``'s console listens.

    The console proxies ask this before connecting a token's user, so a
    token left over from a guest that is gone, moved or restarted on other
    ports cannot open whatever listens on its port now. A SPICE console
    matches on its plain or its TLS port.

    :param port: the port stored with the token (int or str).
    :param console_type: the token's console type.
    :returns: bool; False as well when the guest is gone or has no such
        console any more.
    """
    kind = CONSOLE_TYPES.get(console_type)
    if kind is None:
        return False
    try:
        console = getattr(driver, kind.driver_method)(context, instance)
    except (exception.InstanceNotFound, exception.ConsoleTypeUnavailable,
            NotImplementedError):
        return False
    ports = {str(console.port), str(getattr(console, "tls_port", None))}
    return str(port) in ports
