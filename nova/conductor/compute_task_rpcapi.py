"""Client side of the conductor's compute-task API (topic ``conductor``,
namespace ``compute_task``): the long-running build orchestration.

It is a separate versioned interface from the object API (ConductorAPI), as
upstream keeps them, so each evolves and is capped on its own.
"""

import oslo_messaging as messaging

from nova import conf as nova_conf
from nova import exception, rpc
from nova.conductor import rpcapi as conductor_rpcapi

CONF = nova_conf.CONF

NAMESPACE = "compute_task"


class ComputeTaskAPI:
    """Casts to nova-conductor's ComputeTaskManager.

    API version history (the server's ``ComputeTaskManager.target``):

    * 1.0 - schedule_and_build_instances(build_requests, request_specs, image,
      admin_password, injected_files) and build_instances(instances, image,
      filter_properties, admin_password, injected_files, request_spec,
      host_lists) for reschedules. Numbered on its own, like upstream's
      compute task API.
    * 1.1 - unshelve_instance(instance, request_spec): power a SHELVED
      server on, or schedule a SHELVED_OFFLOADED one and boot it on the
      chosen host.
    * 1.2 - migrate_server(instance, flavor, destination, clean_shutdown): resize
      (a new flavor) or cold migrate (flavor None; host from 2.56) a server:
      schedule the destination and send prep_resize there.
    * 1.3 - live_migrate_instance(instance, scheduler_hint, block_migration,
      disk_over_commit, request_spec, async_, force): a call when not
      ``async_`` (before 2.34), else a cast; rebuild_instance(instance,
      migration, host, force, new_pass, target_state, request_spec) (cast):
      an evacuation.

    All are casts: the API answers 202 and compute hosts report back through
    instance state, never through a reply. The cap is
    ``[upgrade_levels] conductor``: a release name caps each conductor API
    at that release's version; an explicit version caps only the API of its
    major series, so "3.0" (an object API version) leaves this 1.x API
    uncapped instead of refusing every build.
    """

    VERSION_ALIASES = {}

    def __init__(self, send_timeout=None):
        """:param send_timeout: see ``nova.rpc.get_client`` (nova-api passes
            ``nova.rpc.API_SEND_TIMEOUT``, so a cast during a broker outage
            raises MessageDeliveryFailure within it)."""
        target = messaging.Target(topic=conductor_rpcapi.RPC_TOPIC, namespace=NAMESPACE,
                                  version="1.0")
        cap = rpc.version_cap(CONF.upgrade_levels.conductor, self.VERSION_ALIASES,
                              "conductor")
        if cap is not None and cap.split(".")[0] != target.version.split(".")[0]:
            cap = None
        self.client = rpc.get_client(target, version_cap=cap, send_timeout=send_timeout)

    def schedule_and_build_instances(self, context, build_requests, request_specs,
                                     image, admin_password=None, injected_files=None):
        """Cast the first build of ``build_requests`` (see tasks.build)."""
        cctxt = self.client.prepare(version="1.0")
        cctxt.cast(context, "schedule_and_build_instances",
                   build_requests=build_requests, request_specs=request_specs,
                   image=image, admin_password=admin_password,
                   injected_files=injected_files)

    def build_instances(self, context, instances, image, filter_properties,
                        admin_password=None, injected_files=None, request_spec=None,
                        host_lists=None):
        """Cast a reschedule of ``instances`` onto their alternates.

        :param host_lists: per instance, a list of objects.Selection.
        """
        cctxt = self.client.prepare(version="1.0")
        cctxt.cast(context, "build_instances", instances=instances, image=image,
                   filter_properties=filter_properties, admin_password=admin_password,
                   injected_files=injected_files, request_spec=request_spec,
                   host_lists=host_lists)

    #: The version each method needs (those added after 1.0).
    METHOD_VERSIONS = {"unshelve_instance": "1.1", "migrate_server": "1.2",
                       "live_migrate_instance": "1.3", "rebuild_instance": "1.3"}

    def check_can_send(self, method):
        """Refuse ``method`` when the cap is below its version.

        The compute API checks this before it changes anything.

        :raises ConductorTooOld: (409) an older conductor caps the version.
        """
        version = self.METHOD_VERSIONS.get(method, "1.0")
        if not self.client.can_send_version(version):
            raise exception.ConductorTooOld(method=method, version=version,
                                            version_cap=self.client.version_cap)

    def unshelve_instance(self, context, instance, request_spec=None):
        """Cast an unshelve of ``instance`` (task_state unshelving).

        :param request_spec: its RequestSpec, with the zone or destination
            the user asked for; read from the API database when None.
        :raises ConductorTooOld: the cap is below 1.1.
        """
        self.check_can_send("unshelve_instance")
        cctxt = self.client.prepare(version="1.1")
        cctxt.cast(context, "unshelve_instance", instance=instance,
                   request_spec=request_spec)

    def migrate_server(self, context, instance, flavor=None, destination=None,
                       clean_shutdown=True):
        """Cast a resize (``flavor``) or cold migration of ``instance`` (resize_prep).

        :param flavor: the new objects.Flavor, or None to keep the flavor.
        :param destination: the host an administrator named (2.56), or None.
        :raises ConductorTooOld: the cap is below 1.2.
        """
        self.check_can_send("migrate_server")
        cctxt = self.client.prepare(version="1.2")
        cctxt.cast(context, "migrate_server", instance=instance, flavor=flavor,
                   destination=destination, clean_shutdown=clean_shutdown)

    def live_migrate_instance(self, context, instance, scheduler_hint, block_migration,
                              disk_over_commit, request_spec=None, async_=True,
                              force=False):
        """Check and start a live migration (task_state migrating).

        :param scheduler_hint: {"host": the host asked for, or None}.
        :param async_: False (before 2.34): call, so the checks' refusal
            (NoValidHost, MigrationPreCheckError, ...) is raised here.
        :raises ConductorTooOld: the cap is below 1.3.
        """
        self.check_can_send("live_migrate_instance")
        cctxt = self.client.prepare(version="1.3")
        send = cctxt.cast if async_ else cctxt.call
        return send(context, "live_migrate_instance", instance=instance,
                    scheduler_hint=scheduler_hint, block_migration=block_migration,
                    disk_over_commit=disk_over_commit, request_spec=request_spec,
                    async_=async_, force=force)

    def rebuild_instance(self, context, instance, migration, host=None, force=False,
                         new_pass=None, target_state=None, request_spec=None):
        """Cast an evacuation of ``instance`` (task_state rebuilding).

        :param migration: its Migration (type evacuation).
        :raises ConductorTooOld: the cap is below 1.3.
        """
        self.check_can_send("rebuild_instance")
        cctxt = self.client.prepare(version="1.3")
        cctxt.cast(context, "rebuild_instance", instance=instance, migration=migration,
                   host=host, force=force, new_pass=new_pass, target_state=target_state,
                   request_spec=request_spec)
