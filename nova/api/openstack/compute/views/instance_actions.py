"""Bodies of os-instance-actions, per microversion (api-ref "Servers actions").

Which fields an action or event carries is data: each entry of
``ACTION_FIELDS`` / ``EVENT_FIELDS`` is (field, lowest microversion,
policy rule or None, getter); ``fields_for`` picks the ones a request sees.
"""

import hashlib

from nova.api.openstack.api_version_request import APIVersionRequest
from nova.policies import instance_actions as ia_policies
from nova.policy import authorize


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value else None


def _host_id(project_id, host):
    if not host:
        return ""
    return hashlib.sha224((project_id + host).encode()).hexdigest()


#: (field, since, policy, getter(action)) of an action.
ACTION_FIELDS = (
    ("action", "2.1", None, lambda a, _p: a.action),
    ("instance_uuid", "2.1", None, lambda a, _p: a.instance_uuid),
    ("message", "2.1", None, lambda a, _p: a.message),
    ("project_id", "2.1", None, lambda a, _p: a.project_id),
    ("request_id", "2.1", None, lambda a, _p: a.request_id),
    ("start_time", "2.1", None, lambda a, _p: _iso(a.start_time)),
    ("user_id", "2.1", None, lambda a, _p: a.user_id),
    ("updated_at", "2.58", None, lambda a, _p: _iso(a.updated_at or a.created_at)),
)

#: (field, since, policy, getter(event, project_id)) of an event. Before
#: 2.51 the events themselves need the events rule (see ``show``).
EVENT_FIELDS = (
    ("event", "2.1", None, lambda e, _p: e.event),
    ("start_time", "2.1", None, lambda e, _p: _iso(e.start_time)),
    ("finish_time", "2.1", None, lambda e, _p: _iso(e.finish_time)),
    ("result", "2.1", None, lambda e, _p: e.result),
    ("traceback", "2.1", ia_policies.EVENTS, lambda e, _p: e.traceback),
    ("hostId", "2.62", None, lambda e, p: _host_id(p, e.host)),
    ("host", "2.62", ia_policies.EVENTS, lambda e, _p: e.host),
    ("details", "2.84", ia_policies.EVENTS_DETAILS, lambda e, _p: e.details),
)


def fields_for(req, table, target):
    """Return the (field, getter) pairs of ``table`` that ``req`` may see.

    :param target: the policy target ({"project_id": ...}).
    """
    version = req.api_version_request
    chosen = []
    for name, since, rule, getter in table:
        if version < APIVersionRequest(since):
            continue
        if rule is not None and not authorize(req.context, rule, target, fatal=False):
            continue
        chosen.append((name, getter))
    return chosen


def action(fields, instance_action, project_id):
    """Return the body of one action from the chosen ``fields``."""
    return {name: getter(instance_action, project_id) for name, getter in fields}
