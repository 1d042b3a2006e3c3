"""Zone documents of /os-availability-zone (API reference "Availability zones")."""

#: API services upstream leaves out of the detailed listing.
_API_BINARIES = frozenset(("nova-osapi_compute", "nova-api", "nova-metadata"))


def _time(service):
    # The later of the last write and the last heartbeat, None if neither.
    stamps = [stamp for stamp in (service.updated_at, service.last_seen_up) if stamp]
    return max(stamps) if stamps else None


def index(available, not_available, internal_zone):
    """Return the body of GET /os-availability-zone.

    :param available: names of zones with an enabled service.
    :param not_available: names of zones whose services are all disabled.
    :param internal_zone: the internal services' zone, never listed here.
    :returns: {"availabilityZoneInfo": [{"zoneName", "zoneState":
        {"available": bool}, "hosts": null}]}, available zones first.
    """
    return {"availabilityZoneInfo": [
        {"zoneName": zone, "zoneState": {"available": is_available}, "hosts": None}
        for zones, is_available in ((available, True), (not_available, False))
        for zone in zones if zone != internal_zone]}


def detail(available, not_available, services, is_up):
    """Return the body of GET /os-availability-zone/detail (internal zone included).

    :param services: every service (objects.Service, zones set).
    :param is_up: callable(service) -> bool, its heartbeat is recent.
    :returns: {"availabilityZoneInfo": [...]}: an available zone's
        ``hosts`` is {host: {binary: {"available": up, "active": enabled,
        "updated_at"}}} over its enabled services (API services left out);
        an unavailable zone's is null.
    """
    hosts = {}
    for service in services:
        if service.disabled or service.binary in _API_BINARIES:
            continue
        zone_hosts = hosts.setdefault(service.availability_zone, {})
        zone_hosts.setdefault(service.host, {})[service.binary] = {
            "available": is_up(service),
            "active": not service.disabled,
            "updated_at": _time(service),
        }
    info = [{"zoneName": zone, "zoneState": {"available": True},
             "hosts": hosts.get(zone, {})} for zone in available]
    info += [{"zoneName": zone, "zoneState": {"available": False}, "hosts": None}
             for zone in not_available]
    return {"availabilityZoneInfo": info}
