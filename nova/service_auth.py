"""Service tokens: nova's own token sent beside a user's token.

When nova calls another service on a user's behalf (Glance, for the image of
a new server or a snapshot) it passes the user's token along. With
``[service_user] send_service_user_token`` it also sends a token of its own
service user as ``X-Service-Token``; keystonemiddleware in the other service
then accepts the user's token even if it expired while a long operation was
under way, and logs that the request came through nova.
"""

import threading

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading

import nova.conf

CONF = nova.conf.CONF

#: The header keystonemiddleware reads a service token from.
SERVICE_TOKEN_HEADER = "X-Service-Token"


class ServiceTokenSource:
    """nova's service user from ``conf.service_user``: an auth plugin and a session.

    The plugin keeps its token and fetches a new one shortly before it
    expires, so one source serves every request of a process.

    :param conf: an oslo.config ConfigOpts with [service_user] registered.
    :raises keystoneauth1.exceptions.auth_plugins.MissingAuthPlugin: the
        group sets no auth_type.
    """

    def __init__(self, conf):
        self._auth = ks_loading.load_auth_from_conf_options(conf, "service_user")
        if self._auth is None:
            raise ks_exc.MissingAuthPlugin(
                "[service_user] send_service_user_token needs an auth_type")
        self._session = ks_loading.load_session_from_conf_options(
            conf, "service_user", auth=self._auth)

    def headers(self):
        """Return {SERVICE_TOKEN_HEADER: token} (asks Keystone when the token is old).

        :raises keystoneauth1.exceptions.ClientException: Keystone refused
            the credentials or could not be reached.
        """
        return {SERVICE_TOKEN_HEADER: self._auth.get_token(self._session)}


class _Sources:
    """One ServiceTokenSource per configuration object (ConfigOpts is not
    hashable, so they are keyed by identity)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_conf = {}

    def get(self, conf):
        with self._lock:
            entry = self._by_conf.get(id(conf))
            if entry is None or entry[0] is not conf:
                entry = (conf, ServiceTokenSource(conf))
                self._by_conf[id(conf)] = entry
            return entry[1]

    def clear(self):
        with self._lock:
            self._by_conf.clear()


_SOURCES = _Sources()


def service_token_headers(conf=CONF):
    """Return the headers that carry nova's service token, or {} when not sent.

    :param conf: the configuration (nova.conf.CONF by default); its
        [service_user] send_service_user_token decides.
    :returns: {} or {"X-Service-Token": token}.
    :raises keystoneauth1.exceptions.ClientException: as
        ServiceTokenSource.headers.
    """
    if not conf.service_user.send_service_user_token:
        return {}
    return _SOURCES.get(conf).headers()


def reset():
    """Forget the loaded service user (tests that change [service_user])."""
    _SOURCES.clear()
