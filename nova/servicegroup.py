"""Service liveness: the heartbeat a service sends, and whether a service is up.

Every service bumps ``report_count`` of its ``services`` row every
``[DEFAULT] report_interval`` seconds; saving it stamps ``last_seen_up``. A
service is *up* while its last heartbeat is at most ``[DEFAULT]
service_down_time`` seconds old and it is not ``forced_down`` (upstream's
database servicegroup driver rule).

In nova-compute the Service object's ``save`` is remotable and runs in the
conductor, so the heartbeat is also what proves the compute-to-conductor path
works. A failed heartbeat (database or message queue unreachable) is logged
and the next one is tried on schedule: the reporter never stops by itself,
which is what carries a service across a RabbitMQ or database restart.
"""

import threading

from oslo_log import log as logging
from oslo_utils import timeutils

from nova import conf as nova_conf

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF


def _naive_utc(value):
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    return timeutils.normalize_time(value)


def last_heartbeat(service):
    """Return when ``service`` last reported (naive UTC datetime) or None.

    :param service: an objects.Service (or a dict-like row) with
        last_seen_up / updated_at / created_at.

    ``last_seen_up`` is only written by heartbeats; rows that never had one
    fall back to ``updated_at`` and then ``created_at``.
    """
    for name in ("last_seen_up", "updated_at", "created_at"):
        value = _field(service, name)
        if value:
            return _naive_utc(value)
    return None


def _field(service, name):
    if isinstance(service, dict):
        return service.get(name)
    if hasattr(service, "obj_attr_is_set") and not service.obj_attr_is_set(name):
        return None
    return getattr(service, name, None)


def is_up(service, now=None, down_time=None):
    """Return whether ``service`` is up.

    :param service: an objects.Service or a dict with the same keys.
    :param now: the current time (datetime, UTC); the clock by default.
    :param down_time: seconds without a heartbeat after which a service is
        down; ``[DEFAULT] service_down_time`` by default.
    :returns: False when forced_down, when it never reported, or when its
        last heartbeat is older than ``down_time``; True otherwise.
    """
    if _field(service, "forced_down"):
        return False
    seen = last_heartbeat(service)
    if seen is None:
        return False
    if down_time is None:
        down_time = CONF.service_down_time
    now = _naive_utc(now) if now is not None else timeutils.utcnow()
    # abs(): a clock slightly ahead on the writer must not read as down.
    return abs((now - seen).total_seconds()) <= down_time


def report_state(service_ref):
    """Send one heartbeat: ``report_count += 1`` and save.

    :param service_ref: this service's objects.Service.
    :returns: True when saved, False when the save failed (already logged).
    """
    try:
        service_ref.report_count += 1
        service_ref.save()
    except Exception:
        # Undo the bump so the next heartbeat sends a count one higher than
        # the stored one, not two.
        service_ref.report_count -= 1
        LOG.exception("Heartbeat of %(binary)s on %(host)s failed; retrying "
                      "in %(interval)s s",
                      {"binary": service_ref.binary, "host": service_ref.host,
                       "interval": CONF.report_interval})
        return False
    LOG.debug("Heartbeat %(count)d of %(binary)s on %(host)s sent",
              {"count": service_ref.report_count, "binary": service_ref.binary,
               "host": service_ref.host})
    return True


class Heartbeat:
    """A thread that calls ``report_state`` every ``interval`` seconds.

    :param service_ref: the objects.Service to bump.
    :param interval: seconds between heartbeats (``[DEFAULT] report_interval``).

    The first heartbeat is sent one interval after ``start()`` (the service
    record was just written). ``stop()`` returns once the thread has ended;
    a heartbeat in progress (an RPC call bounded by rpc_response_timeout)
    is allowed to finish.
    """

    def __init__(self, service_ref, interval):
        self.service_ref = service_ref
        self.interval = interval
        self._stop = threading.Event()
        self._thread = None
        self._failing = False

    def start(self):
        """Start the heartbeat thread (a daemon thread named after the binary)."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, daemon=True,
            name=f"heartbeat-{self.service_ref.binary}")
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.interval):
            ok = report_state(self.service_ref)
            if ok and self._failing:
                LOG.info("Heartbeat of %s on %s works again",
                         self.service_ref.binary, self.service_ref.host)
            self._failing = not ok

    def stop(self, timeout=None):
        """Stop sending heartbeats; wait up to ``timeout`` s for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


class API:
    """Upstream's servicegroup entry point: join a group, ask who is up.

    :param down_time: seconds; ``[DEFAULT] service_down_time`` when None.
    """

    def __init__(self, down_time=None):
        self._down_time = down_time

    def join(self, service_ref, interval=None):
        """Start and return the Heartbeat of ``service_ref``.

        :param interval: seconds; ``[DEFAULT] report_interval`` when None.
            A value of 0 or less sends no heartbeat and returns None.
        """
        if interval is None:
            interval = CONF.report_interval
        if not interval or interval <= 0:
            LOG.warning("report_interval is %s: %s on %s sends no heartbeat "
                        "and will soon show as down", interval,
                        service_ref.binary, service_ref.host)
            return None
        heartbeat = Heartbeat(service_ref, interval)
        heartbeat.start()
        return heartbeat

    def service_is_up(self, service, now=None):
        """Return ``is_up(service)`` with this API's down time."""
        return is_up(service, now=now, down_time=self._down_time)

    def get_updated_time(self, service):
        """Return the last heartbeat of ``service`` (naive UTC) or None."""
        return last_heartbeat(service)


__all__ = ["API", "Heartbeat", "is_up", "last_heartbeat", "report_state"]
