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


class TooManyInstancesPerRequest(Invalid):
    msg_fmt = ("min_count %(count)d is more than the %(limit)d servers one request "
               "may create")


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


class ConsoleTypeUnavailable(Invalid):
    msg_fmt = "Unavailable console type %(console_type)s."


class HypervisorUnavailable(NovaException):
    msg_fmt = "Connection to the hypervisor is broken on host %(host)s"


# --- REST API framework (nova/api) ---

class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class ValidationError(Invalid):
    msg_fmt = "%(detail)s"


class MalformedRequestBody(Invalid):
    msg_fmt = "Malformed message body: %(reason)s"


class InvalidContentType(NovaException):
    msg_fmt = "Invalid content type %(content_type)s."
    code = 415


class InvalidAPIVersionString(Invalid):
    msg_fmt = ("API Version String %(version)s is of invalid format. Must "
               "be of format MajorNum.MinorNum.")


class InvalidGlobalAPIVersion(Invalid):
    msg_fmt = ("Version %(req_ver)s is not supported by the API. Minimum "
               "is %(min_ver)s and maximum is %(max_ver)s.")
    code = 406


class VersionNotFoundForAPIMethod(NotFound):
    msg_fmt = "API version %(version)s is not supported on this method."


class PasteAppNotFound(NovaException):
    msg_fmt = "Could not load paste app '%(name)s' from %(path)s"


# --- Objects layer: services and compute nodes ----------------------------

class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class TaskAlreadyRunning(Conflict):
    msg_fmt = "Task %(task_name)s is already running on host %(host)s"


class TaskNotRunning(NotFound):
    msg_fmt = "Task %(task_name)s is not running on host %(host)s"


class HostBinaryNotFound(NotFound):
    msg_fmt = "Could not find binary %(binary)s on host %(host)s."


class HostNotFound(NotFound):
    msg_fmt = "Host %(host)s could not be found."


class ComputeHostNotFound(HostNotFound):
    msg_fmt = "Compute host %(host)s could not be found."


class ServiceBinaryExists(Conflict):
    msg_fmt = "Service with host %(host)s binary %(binary)s exists."


class ServiceTopicExists(Conflict):
    msg_fmt = "Service with host %(host)s topic %(topic)s exists."


class OrphanedObjectError(NovaException):
    msg_fmt = "Cannot call %(method)s on orphaned %(objtype)s object"


class ObjectActionError(NovaException):
    msg_fmt = "Object action %(action)s failed because: %(reason)s"


# --- Objects layer: instances ----------------------------------------------

class InstanceExists(Conflict):
    msg_fmt = "Instance %(name)s already exists."


class UnexpectedTaskStateError(Conflict):
    """An Instance.save compare-and-swap lost: task_state was not the expected one."""

    msg_fmt = ("Conflict updating instance %(instance_uuid)s. "
               "Expected: %(expected)s. Actual: %(actual)s")


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    """The instance is being deleted while another action tried to save it."""


class InstanceInfoCacheNotFound(NotFound):
    msg_fmt = "Info cache for instance %(instance_uuid)s could not be found."


class MarkerNotFound(NotFound):
    msg_fmt = "Marker %(marker)s could not be found."


class InstanceTagNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s has no tag '%(tag)s'"


class InstanceMetadataNotFound(NotFound):
    msg_fmt = "Metadata item was not found"


class TooManyInstanceTags(Invalid):
    msg_fmt = "Instance %(instance_id)s can not have more than %(limit)s tags"


class InstanceActionNotFound(NotFound):
    msg_fmt = "Action for request_id %(request_id)s on instance %(instance_uuid)s not found"


class InstanceActionEventNotFound(NotFound):
    msg_fmt = "Event %(event)s not found for action id %(action_id)s"


class MigrationNotFound(NotFound):
    msg_fmt = "Migration %(migration_id)s could not be found."


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = "Migration not found for instance %(instance_id)s with status %(status)s."


class InvalidToken(Invalid):
    msg_fmt = "The token '%(token)s' is invalid or has expired"


# --- Objects layer: API database resources ---------------------------------

class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class FlavorNotFoundByName(FlavorNotFound):
    msg_fmt = "Flavor with name %(flavor_name)s could not be found."


class FlavorExists(Conflict):
    msg_fmt = "Flavor with name %(name)s already exists."


class FlavorIdExists(Conflict):
    msg_fmt = "Flavor with ID %(flavor_id)s already exists."


class FlavorAccessExists(Conflict):
    msg_fmt = ("Flavor access already exists for flavor %(flavor_id)s "
               "and project %(project_id)s combination.")


class FlavorAccessNotFound(NotFound):
    msg_fmt = "Flavor access not found for %(flavor_id)s / %(project_id)s combination."


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s has no extra specs with key %(extra_specs_key)s."


class KeypairNotFound(NotFound):
    msg_fmt = "Keypair %(name)s not found for user %(user_id)s"


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


#: Alias: both spellings appear in callers.
KeypairExists = KeyPairExists


class InvalidKeypair(Invalid):
    msg_fmt = "Keypair data is invalid: %(reason)s"


class BuildRequestNotFound(NotFound):
    msg_fmt = "BuildRequest not found for instance %(uuid)s"


class RequestSpecNotFound(NotFound):
    msg_fmt = "RequestSpec not found for instance %(instance_uuid)s"


class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class InstanceGroupIdExists(Conflict):
    msg_fmt = "Instance group %(group_uuid)s already exists."


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class AggregateHostExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_id)s already has host %(host)s."


class AggregateMetadataNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no metadata with key %(metadata_key)s."


class InvalidAggregateAction(Invalid):
    msg_fmt = "Cannot %(action)s aggregate %(aggregate_id)s. Reason: %(reason)s."


# Placement (nova/scheduler/client/report.py)


class PlacementAPIConnectFailure(NovaException):
    msg_fmt = "Unable to communicate with the Placement API: %(reason)s"


class ResourceProviderCreationFailed(NovaException):
    msg_fmt = "Failed to create resource provider %(name)s"


class ResourceProviderRetrievalFailed(NovaException):
    msg_fmt = "Failed to get resource provider with UUID %(uuid)s"


class ResourceProviderUpdateFailed(NovaException):
    msg_fmt = "Failed to update resource provider via URL %(url)s: %(error)s"


class ResourceProviderUpdateConflict(Conflict):
    msg_fmt = (
        "A conflict was encountered attempting to update resource provider "
        "%(uuid)s (generation %(generation)d): %(error)s"
    )


class ResourceProviderInUse(Conflict):
    msg_fmt = "Resource provider %(uuid)s has allocations and cannot be deleted."


class ResourceProviderDeletionFailed(NovaException):
    msg_fmt = "Failed to delete resource provider %(uuid)s: %(error)s"


class InventoryInUse(Conflict):
    msg_fmt = "Inventory of resource provider %(uuid)s is in use: %(error)s"


class AllocationUpdateFailed(NovaException):
    msg_fmt = "Failed to update allocations for consumer %(consumer_uuid)s. Error: %(error)s"


class AllocationDeleteFailed(NovaException):
    msg_fmt = "Failed to delete allocations for consumer %(consumer_uuid)s. Error: %(error)s"


class ConsumerAllocationRetrievalFailed(NovaException):
    msg_fmt = "Failed to retrieve allocations for consumer %(consumer_uuid)s: %(error)s"


class AllocationMoveFailed(NovaException):
    msg_fmt = ("Failed to move allocations from consumer %(source_consumer)s to "
               "consumer %(target_consumer)s. Error: %(error)s")


# Image service (nova/image/glance.py)


class GlanceConnectionFailed(NovaException):
    msg_fmt = "Connection to glance host %(server)s failed: %(reason)s"


class ImageNotFound(NotFound):
    msg_fmt = "Image %(image_id)s could not be found."


class ImageNotAuthorized(Forbidden):
    msg_fmt = "Not authorized for image %(image_id)s."


class ImageBadRequest(Invalid):
    msg_fmt = "Request of image %(image_id)s got BadRequest response: %(response)s"


class ImageServiceError(NovaException):
    msg_fmt = "The image service failed on image %(image_id)s: %(reason)s"


class ImageNotActive(NovaException):
    msg_fmt = "Image %(image_id)s is not active (status %(status)s)."
    code = 409


class ImageChecksumMismatch(NovaException):
    msg_fmt = (
        "Image %(image_id)s is corrupt: its %(algorithm)s is %(actual)s, "
        "the image service says %(expected)s."
    )


# --- Cells v2 mappings (nova-manage cell_v2) --------------------------------

class HostMappingExists(Conflict):
    msg_fmt = "Host '%(name)s' mapping already exists"


# --- Database schema (nova-manage db sync / api_db sync) --------------------

class DBDowngradeNotSupported(Invalid):
    msg_fmt = ("Cannot move the %(database)s database from revision %(current)s "
               "back to %(target)s: schema downgrades are not supported; restore "
               "a backup instead.")


class DBVersionNotFound(Invalid):
    msg_fmt = "%(version)s is not a known revision of the %(database)s database."


class NoValidHost(NovaException):
    msg_fmt = "No valid host was found. %(reason)s"


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = "Exceeded maximum number of retries. %(reason)s"


class UnexpectedVMStateError(Conflict):
    """An Instance.save compare-and-swap lost: vm_state was not the expected one."""

    msg_fmt = ("Conflict updating instance %(instance_uuid)s. "
               "Expected vm_state: %(expected)s. Actual: %(actual)s")


class BuildAbortException(NovaException):
    msg_fmt = "Build of instance %(instance_uuid)s aborted: %(reason)s"


class OperationInterrupted(NovaException):
    msg_fmt = "%(reason)s"


class RescheduledException(NovaException):
    msg_fmt = "Build of instance %(instance_uuid)s was re-scheduled: %(reason)s"


class GroupAffinityViolation(NovaException):
    msg_fmt = "%(policy)s instance group policy was violated"


class QuotaError(NovaException):
    msg_fmt = "Quota exceeded: code=%(code)s"
    code = 413
    safe = True


class TooManyServerGroupMembers(QuotaError):
    msg_fmt = "Quota exceeded, too many servers in group"
    code = 403


class TooManyInstances(QuotaError):
    msg_fmt = ("Quota exceeded for %(overs)s: Requested %(req)s, but already used "
               "%(used)s of %(allowed)s %(overs)s")
    code = 403


class MetadataLimitExceeded(QuotaError):
    msg_fmt = "Maximum number of metadata items exceeds %(allowed)d"
    code = 403


class OnsetFileLimitExceeded(QuotaError):
    msg_fmt = "Personality file limit exceeded"
    code = 403


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = "Personality file path exceeds maximum %(allowed)s"


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = "Personality file content exceeds maximum %(allowed)s"


class KeypairLimitExceeded(QuotaError):
    msg_fmt = "Maximum number of key pairs exceeded"
    code = 403


class CannotResizeToSameFlavor(Invalid):
    msg_fmt = "When resizing, instances must change flavor!"


class CannotResizeDisk(Invalid):
    msg_fmt = "Server disk was unable to be resized because: %(reason)s"


class CannotMigrateToSameHost(Invalid):
    msg_fmt = ("Cannot migrate to the host where the server exists. Please "
               "choose another host or let the scheduler choose one.")


class FlavorMemoryTooSmall(Invalid):
    msg_fmt = "Flavor's memory is too small for requested image."


class FlavorDiskSmallerThanMinDisk(Invalid):
    msg_fmt = ("Flavor's disk is too small for requested image. Flavor disk is "
               "%(flavor_size)i bytes, minimum size is %(image_min_disk)i bytes.")


class InstanceUserDataMalformed(Invalid):
    msg_fmt = "User data needs to be valid base 64."


class InstanceUserDataTooLarge(Invalid):
    msg_fmt = "User data too large. User data must be no larger than %(maxsize)s bytes once base64 encoded. Your data is %(length)d bytes"  # noqa: E501


class InstanceInvalidState(Invalid):
    msg_fmt = ("Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot %(method)s "
               "while the instance is in this state.")
    code = 409


class BDMNotFound(NotFound):
    msg_fmt = "No Block Device Mapping with id %(id)s."


class VolumeBDMNotFound(NotFound):
    msg_fmt = "No volume Block Device Mapping with id %(volume_id)s."


class ConsoleNotAvailable(NotFound):
    msg_fmt = "Guest does not have a console available."


# --- Remote consoles ----------------------------------------------------------

class InstanceNotReady(Invalid):
    msg_fmt = "Instance %(instance_id)s is not ready"
    code = 409


class ConsoleTypeInvalid(Invalid):
    msg_fmt = "Invalid console type %(console_type)s"


class SocketPortRangeExhaustedException(NovaException):
    msg_fmt = "Not able to acquire a free port for %(host)s"


class SocketPortInvalidException(Invalid):
    msg_fmt = "Invalid port range %(port_range)s: %(error)s"


class ComputeHostTooOld(Conflict):
    msg_fmt = ("The compute service cannot do %(method)s yet: compute RPC is capped at "
               "%(version_cap)s ([upgrade_levels] compute) and %(method)s needs "
               "%(version)s. Upgrade the compute hosts first.")


class ConductorTooOld(Conflict):
    msg_fmt = ("The conductor cannot do %(method)s yet: its compute-task RPC is capped at "
               "%(version_cap)s ([upgrade_levels] conductor) and %(method)s needs "
               "%(version)s. Upgrade the conductors first.")


# --- Server actions ---------------------------------------------------------------

class InstanceIsLocked(InstanceInvalidState):
    msg_fmt = "Instance %(instance_uuid)s is locked"


class InstanceNotRunning(Invalid):
    msg_fmt = "Instance %(instance_id)s is not running."
    code = 409


class UnsupportedByDriver(NovaException):
    msg_fmt = ("The hypervisor driver of this host cannot %(action)s (capability "
               "%(capability)s).")
    code = 400


class InstanceRebootFailure(Invalid):
    msg_fmt = "Failed to reboot instance: %(reason)s"
    code = 409


class InstanceSuspendFailure(Invalid):
    msg_fmt = "Failed to suspend instance: %(reason)s"
    code = 409


class InstanceResumeFailure(Invalid):
    msg_fmt = "Failed to resume instance: %(reason)s"
    code = 409


class InstancePowerOffFailure(Invalid):
    msg_fmt = "Failed to power off instance: %(reason)s"
    code = 409


class InstancePowerOnFailure(Invalid):
    msg_fmt = "Failed to power on instance: %(reason)s"
    code = 409


class InstanceAgentNotEnabled(Invalid):
    msg_fmt = "Guest agent is not enabled for the instance"
    code = 409


class InstancePasswordSetFailed(Invalid):
    msg_fmt = "Failed to set admin password on %(instance)s because %(reason)s"
    code = 409


class UnshelveInstanceInvalidState(Invalid):
    msg_fmt = ("The availability zone or host of instance %(instance_uuid)s can "
               "only be chosen when it is shelved offloaded (it is %(state)s).")
    code = 409


class InvalidRequest(Invalid):
    msg_fmt = "The request is invalid: %(reason)s"


class ServiceUnavailable(NovaException):
    """A service this request needs is unreachable for now: 503 with Retry-After.

    Raised (or mapped to, by the API's fault layer) when the database or the
    message broker cannot be reached; the request changed nothing, and the
    same request may be sent again after ``RETRY_AFTER`` seconds.
    """

    msg_fmt = "The service is unavailable for now: %(reason)s. Try again later."
    code = 503
    safe = True
    #: Seconds a client should wait before sending the request again.
    RETRY_AFTER = 3
    headers = {"Retry-After": str(RETRY_AFTER)}


class DatabaseUnavailable(ServiceUnavailable):
    msg_fmt = "The database is unreachable; nothing was changed. Try again later."


class MessagingUnavailable(ServiceUnavailable):
    msg_fmt = ("The message queue is unreachable; nothing was changed. "
               "Try again later.")


# --- the built-in network service (nova.network) -------------------------------


class NetworkNotFound(NotFound):
    msg_fmt = "Network %(network_id)s could not be found."


class NetworkNotFoundForUuid(NetworkNotFound):
    msg_fmt = "Network could not be found for uuid %(uuid)s"


class NetworkNotFoundForProject(NetworkNotFound):
    msg_fmt = "No network is available to project %(project_id)s."


class NetworkInUse(Conflict):
    msg_fmt = "Network %(network_id)s is still in use."


class NetworkDuplicated(Conflict):
    msg_fmt = "A network with label or bridge %(name)s already exists."


class NetworkAmbiguous(Conflict):
    msg_fmt = ("Multiple possible networks found, use a Network ID to be more "
               "specific.")


class NoMoreFixedIps(Conflict):
    msg_fmt = "No fixed IP addresses available for network: %(net)s"


class FixedIpNotFoundForAddress(NotFound):
    msg_fmt = "Fixed IP not found for address %(address)s."


class FixedIpAlreadyInUse(Conflict):
    msg_fmt = ("Fixed IP address %(address)s is already in use on instance "
               "%(instance_uuid)s.")


class FixedIpInvalid(Invalid):
    msg_fmt = "Fixed IP address %(address)s is invalid."


class VirtualInterfaceCreateException(NovaException):
    msg_fmt = "Virtual interface creation failed"


class NetworkBackendNotSupported(NovaException):
    msg_fmt = "Network backend %(backend)s is not supported."


class SecurityGroupNotFound(NotFound):
    msg_fmt = "Security group %(security_group_id)s not found."


class SecurityGroupNotFoundForProject(SecurityGroupNotFound):
    msg_fmt = ("Security group %(security_group_id)s not found for project "
               "%(project_id)s.")


class SecurityGroupExists(Invalid):
    msg_fmt = ("Security group %(security_group_name)s already exists for project "
               "%(project_id)s.")


class SecurityGroupInUse(Invalid):
    msg_fmt = "Security group %(security_group_id)s is in use by servers."


class SecurityGroupRuleExists(Invalid):
    msg_fmt = "This rule already exists in group %(rule)s"


class SecurityGroupRuleNotFound(NotFound):
    msg_fmt = "Security group rule %(rule_id)s could not be found."


class FloatingIpNotFound(NotFound):
    msg_fmt = "Floating IP not found for ID %(id)s."


class FloatingIpNotFoundForAddress(FloatingIpNotFound):
    msg_fmt = "Floating IP not found for address %(address)s."


class FloatingIpExists(Conflict):
    msg_fmt = "Floating IP %(address)s already exists."


class FloatingIpInUse(Conflict):
    msg_fmt = "Floating IP %(address)s is allocated to a project."


class FloatingIpAssociated(Conflict):
    msg_fmt = "Floating IP %(address)s is associated."


class NoMoreFloatingIps(NotFound):
    msg_fmt = "Zero floating IPs available."


class FloatingIpPoolNotFound(NotFound):
    msg_fmt = "Floating IP pool not found."


class FloatingIpNotAssociated(Invalid):
    msg_fmt = "Floating IP %(address)s is not associated with this server."


class FixedIpNotFound(NotFound):
    msg_fmt = "No fixed IP associated with id %(id)s."


# --- Live migration and evacuate (api-ref "Live-Migrate Server", "Evacuate
# Server", "Server migrations") ---------------------------------------------


class MigrationPreCheckError(Invalid):
    msg_fmt = "Migration pre-check error: %(reason)s"


class UnableToMigrateToSelf(Invalid):
    msg_fmt = ("Unable to migrate instance (%(instance_id)s) to current host "
               "(%(host)s).")


class ComputeServiceUnavailable(Invalid):
    msg_fmt = "Compute service of %(host)s is unavailable at this time."


class ComputeServiceInUse(Invalid):
    msg_fmt = "Compute service of %(host)s is still in use."


class InvalidMigrationState(Invalid):
    msg_fmt = ("Migration %(migration_id)s state of instance %(instance_uuid)s "
               "is %(state)s. Cannot %(method)s while the migration is in this state.")


class MigrationNotFoundForInstance(MigrationNotFound):
    msg_fmt = ("Migration %(migration_id)s not found for instance %(instance_id)s")


class LiveMigrationAborted(NovaException):
    msg_fmt = "Live migration of instance %(instance_uuid)s was aborted."


class LiveMigrationFailed(NovaException):
    msg_fmt = "Live migration of instance %(instance_uuid)s failed: %(reason)s"
