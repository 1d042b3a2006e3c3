"""Exceptions shared by every nova service.

Each exception carries a message template (``msg_fmt``) filled from keyword
arguments and an HTTP ``code`` the API fault wrapper answers with. Add new
exceptions near their relatives; keep names as upstream spells them, since
operators grep logs for them.
"""

import logging

LOG = logging.getLogger(__name__)


class NovaException(Exception):
    """Base class: ``msg_fmt % kwargs`` is the message, ``code`` the HTTP status."""

    msg_fmt = "An unknown exception occurred."
    code = 500
    headers: dict = {}
    safe = False

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.kwargs.setdefault("code", self.code)
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                LOG.exception("Exception in string format operation: %s", kwargs)
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self):
        """Return the message without the class name, for API error bodies."""
        return self.args[0] if self.args else self.msg_fmt


class Invalid(NovaException):
    msg_fmt = "Bad request: %(reason)s"
    code = 400


class InvalidInput(Invalid):
    msg_fmt = "Invalid input received: %(reason)s"


class Forbidden(NovaException):
    msg_fmt = "Forbidden"
    code = 403


class NotFound(NovaException):
    msg_fmt = "Resource could not be found."
    code = 404


class Conflict(NovaException):
    msg_fmt = "Conflict: %(reason)s"
    code = 409


class ConfigNotFound(NovaException):
    msg_fmt = "Could not find config at %(path)s"


class CellMappingNotFound(NotFound):
    msg_fmt = "Cell %(uuid)s has no mapping."


class HostMappingNotFound(NotFound):
    msg_fmt = "Host '%(name)s' is not mapped to any cell"


class InstanceMappingNotFound(NotFound):
    msg_fmt = "Instance %(uuid)s has no mapping to a cell."


class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class CellTimeout(NovaException):
    msg_fmt = "Timeout waiting for response from cell"
