"""Client side of the scheduler RPC API (topic ``scheduler``)."""

import oslo_messaging as messaging

from nova import conf as nova_conf
from nova import rpc

CONF = nova_conf.CONF

#: The topic every nova-scheduler listens on.
RPC_TOPIC = "scheduler"


class SchedulerAPI:
    """Client of nova-scheduler.

    API version history (the server's ``SchedulerManager.target``); the
    major version continues upstream's numbering:

    * 4.5 - select_destinations(spec_obj, instance_uuids, return_objects,
      return_alternates): the form this tree speaks; earlier 4.x forms are
      upstream's and not sent by this code.

    The cap is ``[upgrade_levels] scheduler`` (a version or a release name
    from ``VERSION_ALIASES``); a method needing more than the cap raises
    ``oslo_messaging.RPCVersionCapError`` before anything is sent.
    """

    #: Release name -> highest version that release's scheduler understands.
    VERSION_ALIASES = {}

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version="4.5")
        cap = rpc.version_cap(CONF.upgrade_levels.scheduler,
                              self.VERSION_ALIASES, "scheduler")
        self.client = rpc.get_client(target, version_cap=cap)

    def select_destinations(self, ctxt, spec_obj, instance_uuids,
                            return_objects=False, return_alternates=False):
        """Ask a scheduler where ``instance_uuids`` should go.

        :param spec_obj: an objects.RequestSpec (flavor, image, hints, ...).
        :param instance_uuids: list of instance UUID strings to place.
        :param return_objects: True for a list (one per instance) of lists
            of objects.Selection; False for upstream's legacy list of host
            dicts.
        :param return_alternates: with return_objects, each inner list also
            holds alternate hosts after the chosen one.
        :returns: as described above.
        :raises nova.exception.NoValidHost: no host fits.
        :raises oslo_messaging.MessagingTimeout: no answer within
            [DEFAULT] long_rpc_timeout, or the scheduler working on it sent
            no heartbeat for rpc_response_timeout (it died).
        """
        # Heartbeats: scheduling many instances may take long, a dead
        # scheduler must not keep the conductor waiting as long.
        cctxt = self.client.prepare(version="4.5", timeout=CONF.long_rpc_timeout,
                                    call_monitor_timeout=CONF.rpc_response_timeout)
        return cctxt.call(ctxt, "select_destinations", spec_obj=spec_obj,
                          instance_uuids=instance_uuids,
                          return_objects=return_objects,
                          return_alternates=return_alternates)
