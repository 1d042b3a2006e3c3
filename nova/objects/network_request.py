"""NetworkRequest and NetworkRequestList: the ``networks`` of POST /servers.

api-ref "Create Server": ``networks`` is "auto", "none" or a list of
``{"uuid": ..., "fixed_ip": ...}`` (``port`` needs Neutron and is refused).
The list rides in the RequestSpec to the compute host, which allocates.
"""

from nova.objects import base, fields

#: network_id values with a meaning of their own (upstream's).
NETWORK_ID_AUTO = "auto"
NETWORK_ID_NONE = "none"


@base.NovaObjectRegistry.register
class NetworkRequest(base.NovaObject):
    """One requested NIC: a network uuid (or "auto"/"none") and maybe an address."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "network_id": fields.StringField(nullable=True),
        "address": fields.StringField(nullable=True),
        "port_id": fields.UUIDField(nullable=True),
        "tag": fields.StringField(nullable=True),
    }

    @property
    def auto_allocate(self):
        """True for networks "auto" (the project's network, or the shared one)."""
        return self.obj_attr_is_set("network_id") and self.network_id == NETWORK_ID_AUTO

    @property
    def no_allocate(self):
        """True for networks "none": the server gets no NIC."""
        return self.obj_attr_is_set("network_id") and self.network_id == NETWORK_ID_NONE


@base.NovaObjectRegistry.register
class NetworkRequestList(base.ObjectListBase, base.NovaObject):
    """The requested NICs in order (the first is eth0)."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("NetworkRequest"),
    }

    @property
    def auto_allocate(self):
        """True when the request is the single entry "auto"."""
        return len(self.objects) == 1 and self.objects[0].auto_allocate

    @property
    def no_allocate(self):
        """True when the request is the single entry "none"."""
        return len(self.objects) == 1 and self.objects[0].no_allocate
