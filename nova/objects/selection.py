"""Selection: one host the scheduler chose (or an alternate), with its claim."""

from oslo_serialization import jsonutils

from nova.objects import base, fields


@base.NovaObjectRegistry.register
class Selection(base.NovaObject):
    """A destination for one instance.

    ``allocation_request`` is the Placement allocation request (JSON text)
    the scheduler claimed for the first choice, or may claim for an
    alternate during a reschedule.
    """

    # Version 1.0: initial version (upstream's 1.1 fields: with availability_zone)
    VERSION = "1.0"

    fields = {
        "compute_node_uuid": fields.UUIDField(),
        "service_host": fields.StringField(),
        "nodename": fields.StringField(),
        "cell_uuid": fields.UUIDField(),
        "limits": fields.DictOfNullableStringsField(nullable=True, default=None),
        "allocation_request": fields.StringField(nullable=True),
        "allocation_request_version": fields.StringField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
    }

    @classmethod
    def from_host_state(cls, host_state, allocation_request=None,
                        allocation_request_version=None):
        """Build a Selection for ``host_state`` with its allocation request (dict)."""
        return cls(
            compute_node_uuid=host_state.uuid,
            service_host=host_state.host,
            nodename=host_state.nodename,
            cell_uuid=host_state.cell_uuid,
            limits=None,
            allocation_request=jsonutils.dumps(allocation_request)
            if allocation_request else None,
            allocation_request_version=allocation_request_version,
            availability_zone=host_state.availability_zone,
        )
