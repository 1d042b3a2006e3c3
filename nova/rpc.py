"""Messaging for every nova daemon: the RPC transport, clients, servers, notifier.

One process holds one RPC transport built from ``[DEFAULT] transport_url``
(``rabbit://user:password@host:5672/vhost`` for RabbitMQ; ``fake://`` for the
in-process tests and the single-process mode), plus a notification transport
and a notifier for versioned notifications. ``init(conf)`` builds them once at
start-up; ``cleanup()`` drops them (tests, and the end of a daemon).

Every message carries the caller's RequestContext and its versioned objects:
``RequestContextSerializer`` turns the context into ``to_dict()`` output and
back, and delegates the arguments to the nova object serializer, which also
asks the conductor to backport objects newer than this process knows.

Cells: a cell mapping may name its own message queue. ``get_cell_transport``
keeps one transport per URL, and ``ClientRouter`` sends through the queue of
the cell a context is targeted at (``context.mq_connection``).

Upstream rule followed: RPC servers use oslo.messaging's ``threading``
executor (nova runs on native threads), remote exceptions are rebuilt only
from ``nova.exception``, and the control exchange is ``nova``.
"""

import threading
import time

import oslo_messaging as messaging
from kombu import exceptions as kombu_exceptions
from oslo_config import cfg
from oslo_log import log as logging
from oslo_messaging import opts as messaging_opts
from oslo_messaging.rpc import dispatcher as rpc_dispatcher

from nova import context as nova_context
from nova import exception
from nova.objects import base as objects_base

LOG = logging.getLogger(__name__)

#: Modules whose exceptions a client rebuilds from a remote error reply; any
#: other remote exception arrives as oslo_messaging.RemoteError.
ALLOWED_EXMODS = [exception.__name__]

#: The exchange every nova RPC topic lives in.
CONTROL_EXCHANGE = "nova"

#: Topics versioned notifications go to when [notifications] does not say.
DEFAULT_VERSIONED_TOPICS = ["versioned_notifications"]

#: The RPC server's executor: native threads, never eventlet.
EXECUTOR = "threading"


class RequestContextSerializer(messaging.Serializer):
    """Carries a RequestContext and nova objects across an RPC message.

    :param base: the serializer for the arguments and results (normally a
        ``NovaObjectSerializer``); None passes them through unchanged.

    The context becomes the dict of ``RequestContext.to_dict()`` on the wire
    and a ``nova.context.RequestContext`` again on the receiving side.
    """

    def __init__(self, base=None):
        self._base = base

    def serialize_entity(self, context, entity):
        """Return ``entity`` as primitives (objects become their primitive dicts)."""
        if self._base is None:
            return entity
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        """Return ``entity`` with object primitives turned back into objects."""
        if self._base is None:
            return entity
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        """Return the JSON-able dict form of a RequestContext."""
        return context.to_dict()

    def deserialize_context(self, context):
        """Return a RequestContext built from the dict of ``serialize_context``."""
        return nova_context.RequestContext.from_dict(context)


class _Messaging:
    """What ``init`` builds: the transports and the notifier of this process."""

    def __init__(self, transport, notification_transport, notifier):
        self.transport = transport
        self.notification_transport = notification_transport
        self.notifier = notifier
        # Transports for cells whose mapping names another queue, by URL.
        self.cell_transports = {}
        self.lock = threading.Lock()


_MESSAGING = None


def _versioned_topics(conf):
    # [notifications] belongs to the configuration modules; a process that
    # has not registered it still publishes on the upstream default topic.
    try:
        return list(conf.notifications.versioned_notifications_topics)
    except cfg.NoSuchOptError:
        return list(DEFAULT_VERSIONED_TOPICS)


def init(conf, transport_url=None):
    """Build this process's transports and notifier from ``conf``.

    :param conf: an oslo.config ConfigOpts, already parsed; its
        ``transport_url`` picks the backend (rabbit://, fake://).
    :param transport_url: use this URL instead of the configured one, for
        both RPC and notifications (tests and the single-process mode pass
        "fake://").
    :raises oslo_messaging.InvalidTransportURL: the URL cannot be parsed.
    :raises oslo_messaging.DriverLoadFailure: no driver for its scheme.

    Calling it again replaces what the previous call built (after
    ``cleanup``); connections open lazily, on the first call or server start.
    """
    global _MESSAGING
    messaging.set_transport_defaults(control_exchange=CONTROL_EXCHANGE)
    # oslo.messaging registers some [DEFAULT] options (rpc_response_timeout)
    # only when its first client is built; clients need them before that.
    for group, opts in messaging_opts.list_opts():
        if group is None:
            conf.register_opts(opts)
    transport = messaging.get_rpc_transport(
        conf, url=transport_url, allowed_remote_exmods=ALLOWED_EXMODS)
    notification_transport = messaging.get_notification_transport(
        conf, url=transport_url, allowed_remote_exmods=ALLOWED_EXMODS)
    serializer = RequestContextSerializer(objects_base.NovaObjectSerializer())
    notifier = messaging.Notifier(
        notification_transport, serializer=serializer,
        topics=_versioned_topics(conf))
    if _MESSAGING is not None:
        cleanup()
    _MESSAGING = _Messaging(transport, notification_transport, notifier)


def cleanup():
    """Close every transport ``init`` and ``get_cell_transport`` opened.

    Safe to call when ``init`` never ran.
    """
    global _MESSAGING
    state, _MESSAGING = _MESSAGING, None
    if state is None:
        return
    with state.lock:
        cell_transports = list(state.cell_transports.values())
        state.cell_transports.clear()
    for transport in [state.transport, state.notification_transport,
                      *cell_transports]:
        transport.cleanup()


def initialized():
    """Return True between ``init`` and ``cleanup``."""
    return _MESSAGING is not None


def _state():
    if _MESSAGING is None:
        raise RuntimeError("nova.rpc.init(conf) has not been called")
    return _MESSAGING


def get_transport():
    """Return this process's RPC transport.

    :raises RuntimeError: ``init`` has not run.
    """
    return _state().transport


def get_cell_transport(url):
    """Return the RPC transport for a cell's ``transport_url``, built once per URL.

    :param url: a transport URL string from a CellMapping.
    :returns: an oslo.messaging transport; this process's own when ``url``
        is its [DEFAULT] transport_url; None for an empty URL or a
        ``none:`` one (cell0 has no message queue).
    :raises RuntimeError: ``init`` has not run.
    :raises oslo_messaging.InvalidTransportURL: the URL cannot be parsed.
    """
    if not url or url.startswith("none:"):
        return None
    state = _state()
    if url == state.transport.conf.transport_url:
        return state.transport
    with state.lock:
        transport = state.cell_transports.get(url)
        if transport is None:
            transport = messaging.get_rpc_transport(
                state.transport.conf, url=url,
                allowed_remote_exmods=ALLOWED_EXMODS)
            state.cell_transports[url] = transport
        return transport


#: Seconds between attempts to send a call while the broker is unreachable.
_SEND_RETRY_INTERVAL = 1.0

#: Errors that mean the call was never handed to the broker: oslo.messaging's
#: MessageDeliveryFailure, and kombu's OperationalError, which the rabbit
#: driver lets through when a new process's first connection is refused.
_NOT_SENT = (messaging.MessageDeliveryFailure, kombu_exceptions.OperationalError)


#: Seconds nova-api gives a message to reach the broker before it gives up
#: (and answers 503, or 202 for a create): short, since a user waits on the
#: answer and issue 14 promises it within 2 s even on a loaded host.
API_SEND_TIMEOUT = 0.6

#: Seconds between two attempts of a send with a ``send_timeout``.
_FAST_SEND_INTERVAL = 0.2


class _BoundedCallContext:
    """A prepared call context whose sends give up instead of waiting for the broker.

    Without ``send_timeout``: while the message cannot be handed to the
    broker (it is down, or refuses connections), a ``call`` tries again
    every _SEND_RETRY_INTERVAL seconds until its timeout has passed, then
    raises MessagingTimeout: for a caller that is the same as no answer in
    time. A ``cast`` is one send with the client's ``retry``.

    With ``send_timeout`` (seconds; nova-api's clients): both try again
    every _FAST_SEND_INTERVAL seconds, each attempt without reconnect
    back-off (the client's ``retry`` is 0), and raise
    MessageDeliveryFailure once ``send_timeout`` has passed: the message was
    not sent, and the caller can say so at once. A second attempt also
    covers a pooled connection the broker cut while it was idle.

    Retrying is safe because nothing was sent. Everything else is delegated.
    """

    def __init__(self, call_context, send_timeout=None):
        self._call_context = call_context
        self._send_timeout = send_timeout

    def __getattr__(self, name):
        return getattr(self._call_context, name)

    def prepare(self, *args, **kwargs):
        return _BoundedCallContext(self._call_context.prepare(*args, **kwargs),
                                   self._send_timeout)

    def cast(self, ctxt, method, **kwargs):
        if self._send_timeout is None:
            return self._call_context.cast(ctxt, method, **kwargs)
        return self._send_fast(self._call_context.cast, ctxt, method, kwargs)

    def call(self, ctxt, method, **kwargs):
        if self._send_timeout is not None:
            return self._send_fast(self._call_context.call, ctxt, method, kwargs)
        timeout = getattr(self._call_context, "timeout", None) or _conf_timeout(
            self._call_context.transport.conf)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._call_context.call(ctxt, method, **kwargs)
            except _NOT_SENT as exc:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise messaging.MessagingTimeout(
                        f"{method} was not answered: the message could not be sent "
                        f"within {timeout} s ({exc})") from exc
                LOG.warning("Could not send %s (%s); retrying for %.0f more seconds",
                            method, exc, remaining)
                time.sleep(min(_SEND_RETRY_INTERVAL, remaining))

    def _send_fast(self, send, ctxt, method, kwargs):
        deadline = time.monotonic() + self._send_timeout
        if send == self._call_context.call and not _reply_queue_ready(
                self._call_context.transport, self._send_timeout):
            raise messaging.MessageDeliveryFailure(
                f"{method} was not sent: no reply queue on the broker within "
                f"{self._send_timeout} s")
        while True:
            try:
                return send(ctxt, method, **kwargs)
            except _NOT_SENT as exc:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise messaging.MessageDeliveryFailure(
                        f"{method} could not be sent within {self._send_timeout} s: "
                        f"{exc}") from exc
                time.sleep(min(_FAST_SEND_INTERVAL, remaining))


def _reply_queue_ready(transport, timeout):
    """Return True once ``transport`` can receive replies to calls.

    The AMQP driver creates its reply queue on the first call, retrying
    the broker for as long as it takes; a process whose first call comes
    during an outage would wait there. This starts that creation once, in
    a thread of its own, and waits for it at most ``timeout`` seconds.
    Drivers without a reply queue (fake://) are always ready.
    """
    driver = getattr(transport, "_driver", None)
    get_reply_q = getattr(driver, "_get_reply_q", None)
    if get_reply_q is None or getattr(driver, "_reply_q", None) is not None:
        return True
    with _REPLY_QUEUE_LOCK:
        ready = _REPLY_QUEUES.get(id(driver))
        if ready is None:
            ready = _REPLY_QUEUES[id(driver)] = threading.Event()

            def create():
                try:
                    get_reply_q()
                except Exception:
                    LOG.exception("Could not create the RPC reply queue")
                    with _REPLY_QUEUE_LOCK:
                        _REPLY_QUEUES.pop(id(driver), None)
                ready.set()

            threading.Thread(target=create, daemon=True, name="rpc-reply-queue").start()
    return ready.wait(timeout) and getattr(driver, "_reply_q", None) is not None


#: Reply queue creations started by _reply_queue_ready, by id(driver).
_REPLY_QUEUES = {}
_REPLY_QUEUE_LOCK = threading.Lock()


class BoundedRPCClient(messaging.RPCClient):
    """An RPCClient whose sends give up instead of waiting for the broker forever.

    Build it with ``get_client``, which also gives it a finite ``retry``; a
    ``call`` then ends with its answer or MessagingTimeout, a ``cast`` with
    success or MessageDeliveryFailure. With ``send_timeout`` both raise
    MessageDeliveryFailure when the message could not be sent within that
    many seconds (see _BoundedCallContext).
    """

    def __init__(self, *args, send_timeout=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.send_timeout = send_timeout

    def prepare(self, *args, **kwargs):
        return _BoundedCallContext(super().prepare(*args, **kwargs), self.send_timeout)

    def call(self, ctxt, method, **kwargs):
        return self.prepare().call(ctxt, method, **kwargs)

    def cast(self, ctxt, method, **kwargs):
        return self.prepare().cast(ctxt, method, **kwargs)


#: Seconds of broker unavailability one connection retry stands for, roughly
#: (oslo.messaging waits 1, 3, 5, ... s between attempts, plus a reconnect
#: delay); used to turn a timeout into a retry budget.
_SECONDS_PER_RETRY = 10


def send_retries(timeout):
    """Return how many reconnect attempts a send may make (int >= 1).

    :param timeout: seconds the caller is prepared to wait (a call's timeout).

    One attempt per ``_SECONDS_PER_RETRY`` seconds of the timeout: with the
    default 60 s a send gives up after six failed reconnects, about 40 s of
    broker outage with oslo.messaging's default back-off.
    """
    return max(1, round(timeout / _SECONDS_PER_RETRY))


def _serializer(base):
    if base is None:
        base = objects_base.NovaObjectSerializer()
    return RequestContextSerializer(base)


def get_client(target, version_cap=None, serializer=None, timeout=None,
               transport=None, retry=None, send_timeout=None):
    """Return a BoundedRPCClient (an oslo.messaging RPCClient) for ``target``.

    :param target: an oslo_messaging.Target with topic and version (the
        version a message is sent at when a method does not ask for another).
    :param version_cap: the highest version the client may send, e.g. from
        ``[upgrade_levels]``; None means no cap. Sending above it raises
        ``oslo_messaging.RPCVersionCapError``.
    :param serializer: serializer for arguments; nova objects by default.
    :param timeout: seconds a ``call`` waits for its answer before raising
        ``oslo_messaging.MessagingTimeout``; None uses [DEFAULT]
        rpc_response_timeout, so no call waits forever.
    :param transport: another transport (a cell's); this process's by default.
    :param retry: reconnect attempts a send may make; by default
        ``send_retries(timeout)``, so that while the broker is unreachable a
        ``call`` raises MessagingTimeout (and a ``cast``
        MessageDeliveryFailure) instead of blocking until it is back.
    :param send_timeout: seconds a send may spend reaching the broker
        before it raises MessageDeliveryFailure (nova-api passes
        API_SEND_TIMEOUT); ``retry`` is then 0 by default. None: no such
        bound, a send waits as ``retry`` says.
    """
    transport = transport or get_transport()
    if retry is None:
        retry = 0 if send_timeout is not None else send_retries(
            timeout or _conf_timeout(transport.conf))
    return messaging.get_rpc_client(
        transport, target, client_cls=BoundedRPCClient, version_cap=version_cap,
        serializer=_serializer(serializer), timeout=timeout, retry=retry,
        send_timeout=send_timeout)


def _conf_timeout(conf):
    return conf.rpc_response_timeout


def get_server(target, endpoints, serializer=None, transport=None):
    """Return an RPC server for ``target`` dispatching to ``endpoints``.

    :param target: an oslo_messaging.Target with topic and server (the host).
    :param endpoints: objects whose public methods are the RPC methods; each
        may carry a ``target`` attribute with its namespace and version.
    :param serializer: serializer for arguments; nova objects by default.
    :param transport: another transport; this process's by default.

    The server runs on the threading executor; ``stop()`` stops taking
    messages and ``wait()`` returns once those in flight are done.
    Methods starting with an underscore are not reachable.
    """
    # oslo.messaging picks its executor itself (the "executor" argument is
    # deprecated): threading unless eventlet monkey-patched the process.
    server = messaging.get_rpc_server(
        transport or get_transport(), target, endpoints,
        serializer=_serializer(serializer),
        access_policy=rpc_dispatcher.DefaultRPCAccessPolicy)
    if server.executor_type != EXECUTOR:
        raise RuntimeError(
            f"RPC server would use the {server.executor_type!r} executor; "
            f"nova runs on native threads only ({EXECUTOR!r})")
    return server


def get_versioned_notifier(publisher_id):
    """Return the notifier for versioned notifications from ``publisher_id``.

    :param publisher_id: "<service>:<host>", e.g. "nova-compute:host1".

    Where they go is [oslo_messaging_notifications] driver (no driver: they
    are dropped); the topics are [notifications] versioned_notifications_topics.
    """
    return _state().notifier.prepare(publisher_id=publisher_id)


class ClientRouter:
    """Sends through the message queue of the cell a context targets.

    :param default_client: the RPCClient on this process's transport; used
        when a context is not targeted at a cell with its own queue.

    ``target_cell`` puts the cell's transport in ``context.mq_connection``;
    the router builds (and keeps) a client with the same target, cap and
    serializer on that transport.
    """

    def __init__(self, default_client):
        self.default_client = default_client
        self._clients = {}
        self._lock = threading.Lock()

    def client(self, context):
        """Return the RPCClient to use for ``context`` (a RequestContext)."""
        transport = getattr(context, "mq_connection", None)
        if transport is None or transport is self.default_client.transport:
            return self.default_client
        with self._lock:
            client = self._clients.get(id(transport))
            if client is None:
                base = self.default_client
                client = messaging.get_rpc_client(
                    transport, base.target, client_cls=BoundedRPCClient,
                    version_cap=base.version_cap, serializer=base.serializer,
                    timeout=base.timeout, retry=base.retry,
                    send_timeout=getattr(base, "send_timeout", None))
                self._clients[id(transport)] = client
            return client


def version_cap(configured, aliases=None, service="RPC"):
    """Turn an ``[upgrade_levels]`` value into the version a client may send.

    :param configured: None/"" (no cap), a version "X.Y", or a release name
        found in ``aliases``.
    :param aliases: {release name: version string} of that RPC API.
    :param service: the API's name, for the error message.
    :returns: a version string, or None for no cap.
    :raises nova.exception.InvalidInput: neither a version nor a known name.

    "auto" is not handled here: only the compute API resolves it, from the
    oldest nova-compute in the services table.
    """
    if not configured:
        return None
    if aliases and configured in aliases:
        return aliases[configured]
    parts = configured.split(".")
    if len(parts) in (2, 3) and all(part.isdigit() for part in parts):
        return configured
    raise exception.InvalidInput(
        reason=f"[upgrade_levels] {service} = {configured!r} is neither a "
               f"version (X.Y) nor a known release name")
