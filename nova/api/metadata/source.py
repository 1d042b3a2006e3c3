"""Find the instance behind a metadata request, and write back its password.

Upstream's path: the instance's InstanceMapping in the API database names
its cell; the Instance is read from that cell's database. With
[api] local_metadata_per_cell the service runs inside one cell and reads
[database] directly. Reads go straight to the databases (this service has
database credentials, as upstream's does), not through the conductor.
"""

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception
from nova.network import api as network_api
from nova.objects import instance as instance_obj
from nova.objects import instance_mapping as instance_mapping_obj

LOG = logging.getLogger(__name__)

#: Optional Instance fields the metadata documents read.
EXPECTED_ATTRS = ("metadata", "system_metadata", "keypairs", "flavor", "info_cache")


class InstanceSource:
    """Loads instances for the metadata service.

    :param conf: ConfigOpts with [api] local_metadata_per_cell.
    """

    def __init__(self, conf):
        self._conf = conf

    def _in_cell(self, instance_uuid, fn):
        """Call ``fn(cell context)`` targeted at the instance's cell.

        :returns: fn's result, or None when the instance has no mapping or
            is not scheduled to a cell yet.
        """
        ctxt = nova_context.get_admin_context()
        if self._conf.api.local_metadata_per_cell:
            return fn(ctxt)
        try:
            mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
                ctxt, instance_uuid)
        except exception.InstanceMappingNotFound:
            LOG.info("No instance mapping for %s: not an instance of this cloud",
                     instance_uuid)
            return None
        if mapping.cell_mapping is None:
            LOG.info("Instance %s is not scheduled to a cell yet", instance_uuid)
            return None
        with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            return fn(cctxt)

    def get_instance_uuid_by_address(self, address):
        """Return the uuid of the server holding fixed IP ``address``, or None.

        The network service (nova.network.api) keeps which server holds
        which address; this is how a guest's request is matched without a
        metadata proxy.
        """
        try:
            return network_api.get_api().get_instance_uuid_by_fixed_ip(
                nova_context.get_admin_context(), address)
        except exception.FixedIpNotFoundForAddress:
            return None

    def get_instance(self, instance_uuid):
        """Return the Instance ``instance_uuid`` with EXPECTED_ATTRS, or None if unknown.

        A deleted instance is unknown (upstream's admin context reads live
        rows only).
        """
        def load(cctxt):
            try:
                return instance_obj.Instance.get_by_uuid(
                    cctxt, instance_uuid, expected_attrs=EXPECTED_ATTRS)
            except exception.InstanceNotFound:
                return None

        return self._in_cell(instance_uuid, load)

    def save_system_metadata(self, instance_uuid, items):
        """Merge ``items`` into the instance's system metadata and save.

        :param items: {key: str value}.
        :returns: True when saved, False when the instance is gone.
        """
        def save(cctxt):
            try:
                instance = instance_obj.Instance.get_by_uuid(
                    cctxt, instance_uuid, expected_attrs=["system_metadata"])
            except exception.InstanceNotFound:
                return False
            instance.system_metadata.update(items)
            instance.save()
            return True

        return bool(self._in_cell(instance_uuid, save))
