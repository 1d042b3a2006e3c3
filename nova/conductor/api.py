"""What other services hold to talk to nova-conductor.

``API`` is the object side (and the start-up handshake nova-compute does);
the build and move orchestration (``ComputeTaskAPI``) is added beside it by
the code that implements those tasks.
"""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import baserpc
from nova.conductor import rpcapi

LOG = logging.getLogger(__name__)


class API:
    """The conductor, as nova-compute sees it.

    :param base_api: a ``baserpc.BaseAPI`` on the conductor topic; built
        when None.
    """

    def __init__(self, base_api=None):
        self.base_rpcapi = base_api or baserpc.BaseAPI(rpcapi.RPC_TOPIC)

    def wait_until_ready(self, context, timeout=5, max_attempts=None,
                         stop_event=None):
        """Block until some nova-conductor answers a ping.

        :param context: a RequestContext.
        :param timeout: seconds each ping waits for an answer.
        :param max_attempts: give up after this many unanswered pings
            (None: never, upstream's behaviour for nova-compute start-up).
        :param stop_event: a threading.Event; when set, stop waiting.
        :returns: True once a conductor answered, False if stopped or out
            of attempts.
        """
        attempt = 0
        while stop_event is None or not stop_event.is_set():
            attempt += 1
            try:
                self.base_rpcapi.ping(context, "conductor-ready?", timeout=timeout)
            except messaging.MessagingTimeout:
                LOG.warning("nova-conductor did not answer within %s s "
                            "(attempt %d); is it running on this "
                            "transport_url?", timeout, attempt)
                if max_attempts is not None and attempt >= max_attempts:
                    return False
                continue
            if attempt > 1:
                LOG.info("nova-conductor answered after %d attempts", attempt)
            return True
        return False
