"""AggregateImagePropertiesIsolation: aggregate metadata restricts image properties.

For each metadata key of the host's aggregates (only keys starting with
``[filter_scheduler] aggregate_image_properties_isolation_namespace`` and
its separator when a namespace is set), an image that has a property of
that same name must have one of the aggregate's values (comma-separated
lists allowed). Images without the property pass, and so do hosts in no
aggregate.
"""

import logging

from nova import conf as nova_conf
from nova.scheduler import utils
from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)


def image_properties(spec_obj):
    """Return the request image's properties as a dict (name -> value)."""
    image = utils.get_field(spec_obj, "image") or {}
    props = utils.get_field(image, "properties") or {}
    if isinstance(props, dict):
        return props
    if hasattr(props, "obj_fields"):
        return {k: getattr(props, k) for k in props.obj_fields if props.obj_attr_is_set(k)}
    return {}


class AggregateImagePropertiesIsolation(base.BaseHostFilter):
    """Pass hosts whose aggregates allow the image's property values."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        namespace = CONF.filter_scheduler.aggregate_image_properties_isolation_namespace
        prefix = None
        if namespace:
            separator = CONF.filter_scheduler.aggregate_image_properties_isolation_separator
            prefix = namespace + separator
        props = image_properties(spec_obj)
        for key, allowed in filter_utils.aggregate_metadata(host_state).items():
            if prefix and not key.startswith(prefix):
                continue
            value = props.get(key)
            if value is None or value == "":
                continue
            if str(value) not in allowed:
                LOG.debug("%s: image property %s=%s is not in %s", host_state, key,
                          value, sorted(allowed))
                return False
        return True
