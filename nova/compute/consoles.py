"""Remote consoles on the compute host: ask the driver, issue the token.

nova-compute is the only place that knows where a guest's VNC server
listens, so it creates the ConsoleAuthToken (the row is written by
nova-conductor through object indirection, in the instance's cell
database) and hands back the URL the user opens. nova-novncproxy later
finds the same row by the token's hash.
"""

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception, objects
from nova.compute import vm_states

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

#: Console types of the VNC protocol this tree serves. Upstream removed
#: "xvpvnc" and answers ConsoleTypeInvalid for it, as this does.
VNC_CONSOLE_TYPES = ("novnc",)


def get_vnc_console(context, instance, console_type, driver):
    """Issue a VNC console token for ``instance`` and return its connect info.

    Upstream's rule: consoles off ([vnc] enabled false) is
    ConsoleTypeUnavailable; a type other than novnc is ConsoleTypeInvalid;
    a guest the hypervisor does not know yet while the instance is still
    building is InstanceNotReady.

    :param context: RequestContext of the caller (its cell's database is
        where the token row lands, through the conductor).
    :param instance: objects.Instance on this host.
    :param console_type: "novnc".
    :param driver: the virt driver (``get_vnc_console``).
    :returns: dict with "token" (str), "host" and "port" (the guest's VNC
        server), "internal_access_path" (str or None), "access_url" (the
        [vnc] novncproxy_base_url with the token) and "expires" (UNIX time,
        seconds).
    :raises ConsoleTypeUnavailable, ConsoleTypeInvalid, InstanceNotReady,
        InstanceNotFound: see above.
    """
    if not CONF.vnc.enabled:
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    if console_type not in VNC_CONSOLE_TYPES:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    try:
        console = driver.get_vnc_console(context, instance)
    except exception.InstanceNotFound:
        if instance.vm_state == vm_states.BUILDING:
            raise exception.InstanceNotReady(instance_id=instance.uuid) from None
        raise
    token_obj = objects.ConsoleAuthToken(
        context,
        console_type=console_type,
        host=console.host,
        port=console.port,
        internal_access_path=console.internal_access_path,
        instance_uuid=instance.uuid,
        access_url_base=CONF.vnc.novncproxy_base_url,
    )
    token = token_obj.authorize(CONF.consoleauth.token_ttl)
    # Through indirection only the fields the conductor changed come back;
    # the token is the method's result, so set it here for access_url.
    token_obj.token = token
    LOG.info("Issued a %s console token for instance %s (VNC server %s:%s)",
             console_type, instance.uuid, console.host, console.port)
    return {
        "token": token,
        "host": console.host,
        "port": console.port,
        "internal_access_path": console.internal_access_path,
        "access_url": token_obj.access_url,
        "expires": token_obj.expires if token_obj.obj_attr_is_set("expires") else None,
    }
