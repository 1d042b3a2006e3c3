"""Client side of the conductor RPC API (topic ``conductor``).

nova-compute installs ``ConductorAPI`` as the versioned objects' indirection
API: a remotable object method called in nova-compute becomes one of the
three object calls below and runs in nova-conductor, which holds the cell
database credentials.
"""

import oslo_messaging as messaging

from nova import conf as nova_conf
from nova import rpc

CONF = nova_conf.CONF

#: The topic every nova-conductor listens on.
RPC_TOPIC = "conductor"


class ConductorAPI:
    """Client of the conductor's object API.

    API version history (the server's ``ConductorManager.target``):

    * 3.0 - object_class_action_versions(objname, objmethod,
      object_versions, args, kwargs), object_action(objinst, objmethod,
      args, kwargs), object_backport_versions(objinst, object_versions).
      The major version continues upstream's numbering, where 3.0 is the
      object-only conductor API.

    Every method is a ``call`` bounded by ``[DEFAULT] rpc_response_timeout``;
    the cap is ``[upgrade_levels] conductor`` (a version or a release name
    from ``VERSION_ALIASES``).
    """

    #: Release name -> highest version that release's conductor understands.
    VERSION_ALIASES = {}

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version="3.0")
        cap = rpc.version_cap(CONF.upgrade_levels.conductor,
                              self.VERSION_ALIASES, "conductor")
        self.client = rpc.get_client(target, version_cap=cap)

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        """Run the remotable classmethod ``objname.objmethod`` in the conductor.

        :param objname: the object's name ("Service").
        :param object_versions: {object name: version} this process knows
            (oslo.versionedobjects' ``obj_tree_get_versions``); the result
            comes back at these versions.
        :param args: positional arguments (list/tuple), kwargs: keyword
            arguments, both after the context.
        :returns: the method's result, objects deserialized.
        :raises: the NovaException the method raised (rebuilt from
            nova.exception), oslo_messaging.MessagingTimeout.
        """
        cctxt = self.client.prepare()
        return cctxt.call(context, "object_class_action_versions",
                          objname=objname, objmethod=objmethod,
                          object_versions=object_versions,
                          args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        """Run the remotable method ``objmethod`` of ``objinst`` in the conductor.

        :param objinst: the object, sent with its pending changes.
        :returns: (updates, result): ``updates`` maps each field the method
            changed to its primitive value (plus "obj_what_changed"), which
            oslo.versionedobjects applies to the local object.
        :raises: as ``object_class_action_versions``.
        """
        cctxt = self.client.prepare()
        return cctxt.call(context, "object_action", objinst=objinst,
                          objmethod=objmethod, args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        """Ask the conductor to turn ``objinst`` into versions this process knows.

        :param objinst: the object (primitive) at a version too new here.
        :param object_versions: {object name: version} this process knows.
        :returns: the object's primitive at those versions.
        """
        cctxt = self.client.prepare()
        return cctxt.call(context, "object_backport_versions",
                          objinst=objinst, object_versions=object_versions)
