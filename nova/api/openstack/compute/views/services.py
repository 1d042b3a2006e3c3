"""Service documents of /os-services (integer ids before 2.53, uuids from 2.53)."""


def _time(service):
    # The later of the last write and the last heartbeat, None if neither.
    stamps = [stamp for stamp in (service.updated_at, service.last_seen_up) if stamp]
    return max(stamps) if stamps else None


def detail(service, is_up, with_forced_down, with_uuid=False):
    """Return one entry of GET /os-services.

    :param service: objects.Service with ``availability_zone`` set.
    :param is_up: whether its heartbeat is recent (servicegroup.is_up).
    :param with_forced_down: add ``forced_down`` (2.11).
    :param with_uuid: the id is the service's uuid (2.53).
    :returns: {"id": int, "binary", "host", "zone", "status":
        "enabled"/"disabled", "state": "up"/"down", "updated_at",
        "disabled_reason", "forced_down"?}
    """
    body = {
        "id": service.uuid if with_uuid else service.id,
        "binary": service.binary,
        "host": service.host,
        "zone": service.availability_zone,
        "status": "disabled" if service.disabled else "enabled",
        "state": "up" if is_up else "down",
        "updated_at": _time(service),
        "disabled_reason": service.disabled_reason,
    }
    if with_forced_down:
        body["forced_down"] = service.forced_down
    return body
