"""GET /servers/{server_id}/diagnostics (api-ref "Servers diagnostics").

Administrators see what a server's guest is doing, asked of its host's
virt driver. Up to 2.47 the body is the driver's own flat dictionary
(``cpu0_time``, ``vda_read``, ``tap..._rx``, ``memory`` in KiB, as
upstream's libvirt driver gives); from 2.48 it is the standard shape,
the same for every driver.
"""

import webob.exc

from nova import exception
from nova.api.openstack import wsgi
from nova.compute import server_actions
from nova.policy import authorize

ROW = "GET /servers/{server_id}/diagnostics"

_DISK_COUNTERS = (("read_req", "read_requests"), ("read", "read_bytes"),
                  ("write_req", "write_requests"), ("write", "write_bytes"),
                  ("errors", "errors_count"))
_NIC_COUNTERS = (("rx", "rx_octets"), ("rx_packets", "rx_packets"),
                 ("rx_errors", "rx_errors"), ("rx_drop", "rx_drop"),
                 ("tx", "tx_octets"), ("tx_packets", "tx_packets"),
                 ("tx_errors", "tx_errors"), ("tx_drop", "tx_drop"))


def legacy_view(diags):
    """The flat pre-2.48 body: per-vCPU, per-disk and per-NIC counters, memory in KiB."""
    body = {f"cpu{cpu['id']}_time": cpu["time"] for cpu in diags["cpu_details"]}
    for disk in diags["disk_details"]:
        for suffix, key in _DISK_COUNTERS:
            body[f"{disk['device']}_{suffix}"] = disk[key]
    for nic in diags["nic_details"]:
        for suffix, key in _NIC_COUNTERS:
            body[f"{nic['device']}_{suffix}"] = nic[key]
    body["memory"] = diags["memory_details"]["maximum"] * 1024
    return body


def standard_view(diags):
    """The 2.48 body: the driver's diagnostics without device names."""
    body = dict(diags)
    body["disk_details"] = [{k: v for k, v in d.items() if k != "device"}
                            for d in diags["disk_details"]]
    body["nic_details"] = [{k: v for k, v in n.items() if k != "device"}
                           for n in diags["nic_details"]]
    return body


class ServerDiagnosticsController:
    """Handler of GET /servers/{server_id}/diagnostics.

    :param servers: the ServersController, whose compute API and look-up
        this route shares.
    """

    def __init__(self, servers):
        self._servers = servers

    def _diagnostics(self, req, server_id):
        instance = self._servers._get_server(req, server_id)
        authorize(req.context, server_actions.get(ROW).policy,
                  {"project_id": instance.project_id})
        try:
            return self._servers.compute_api.get_instance_diagnostics(req.context, instance)
        except (exception.InstanceInvalidState, exception.InstanceNotReady,
                exception.ComputeHostTooOld) as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except NotImplementedError as exc:
            raise webob.exc.HTTPNotImplemented(
                explanation="Unable to get diagnostics, functionality not "
                            "implemented") from exc

    @wsgi.api_version("2.1", "2.47")
    def index(self, req, server_id):
        """The driver's flat diagnostics (2.1 - 2.47)."""
        return legacy_view(self._diagnostics(req, server_id))

    @index.add_version("2.48")
    def index(self, req, server_id):  # noqa: F811
        """The standard diagnostics (2.48): state, driver, uptime, sizes, details."""
        return standard_view(self._diagnostics(req, server_id))
