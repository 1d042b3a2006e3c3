"""SQLAlchemy models of the cell database (cell0 and every cell).

A cell database holds the instances placed in that cell and everything hanging
off them (extra data, metadata, faults, actions, block device mappings, network
info cache, tags), the cell's services and compute nodes, migrations and
console tokens. Names of tables, columns, indexes and constraints follow
upstream Nova's cell schema.

Most tables are soft-deleted (``SoftDeleteMixin``): deleting sets ``deleted``
to the row id and ``deleted_at`` to the time, and ``model_query`` in
``nova.db.main.api`` hides such rows unless the context asks for them.
Unique constraints that must allow re-use after a delete include ``deleted``.

Relationships are lazy by default (an instance's metadata, caches and so on
are only wanted by some callers); load them inside the session with
``sqlalchemy.orm.joinedload``/``selectinload`` options. Their joins skip
soft-deleted child rows.
"""

import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from nova.db.model_base import (
    FK_NAMING_CONVENTION,
    MediumText,
    ModelBase,
    NovaBase,
    SoftDeleteMixin,
)

#: String length of an IPv4 or IPv6 address in text form (upstream's IPAddress).
IP_ADDRESS_LENGTH = 39


class BASE(DeclarativeBase):
    """Declarative base of the cell database; ``BASE.metadata`` is its schema."""

    # Named foreign keys (PostgreSQL's own style) so later migrations can
    # drop or alter them by the same name on every backend.
    metadata = MetaData(naming_convention=FK_NAMING_CONVENTION)


class Instance(BASE, NovaBase, SoftDeleteMixin):
    """A server. ``uuid`` is the id the REST API shows.

    State is the triple ``vm_state`` / ``task_state`` / ``power_state`` (an
    int from nova.compute.power_state). ``memory_mb`` in MiB, ``root_gb`` and
    ``ephemeral_gb`` in GiB. ``host``/``node`` name the compute service and
    hypervisor node it runs on; ``compute_id`` is that node's compute_nodes.id.
    """

    __tablename__ = "instances"
    __table_args__ = (
        Index("instances_project_id_idx", "project_id"),
        Index("instances_project_id_deleted_idx", "project_id", "deleted"),
        Index("instances_reservation_id_idx", "reservation_id"),
        Index("instances_terminated_at_launched_at_idx", "terminated_at", "launched_at"),
        Index("instances_uuid_deleted_idx", "uuid", "deleted"),
        Index("instances_task_state_updated_at_idx", "task_state", "updated_at"),
        Index("instances_host_node_deleted_idx", "host", "node", "deleted"),
        Index("instances_host_deleted_cleaned_idx", "host", "deleted", "cleaned"),
        Index("instances_deleted_created_at_idx", "deleted", "created_at"),
        Index("instances_updated_at_project_id_idx", "updated_at", "project_id"),
        Index("instances_compute_id_deleted_idx", "compute_id", "deleted"),
        UniqueConstraint("uuid", name="uniq_instances0uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    image_ref: Mapped[str | None] = mapped_column(String(255))
    kernel_id: Mapped[str | None] = mapped_column(String(255))
    ramdisk_id: Mapped[str | None] = mapped_column(String(255))
    hostname: Mapped[str | None] = mapped_column(String(255))
    launch_index: Mapped[int | None] = mapped_column(Integer)
    key_name: Mapped[str | None] = mapped_column(String(255))
    key_data: Mapped[str | None] = mapped_column(MediumText())
    power_state: Mapped[int | None] = mapped_column(Integer)
    vm_state: Mapped[str | None] = mapped_column(String(255))
    task_state: Mapped[str | None] = mapped_column(String(255))
    memory_mb: Mapped[int | None] = mapped_column(Integer)
    vcpus: Mapped[int | None] = mapped_column(Integer)
    root_gb: Mapped[int | None] = mapped_column(Integer)
    ephemeral_gb: Mapped[int | None] = mapped_column(Integer)
    ephemeral_key_uuid: Mapped[str | None] = mapped_column(String(36))
    host: Mapped[str | None] = mapped_column(String(255))
    node: Mapped[str | None] = mapped_column(String(255))
    compute_id: Mapped[int | None] = mapped_column(BigInteger)
    instance_type_id: Mapped[int | None] = mapped_column(Integer)
    user_data: Mapped[str | None] = mapped_column(MediumText())
    reservation_id: Mapped[str | None] = mapped_column(String(255))
    launched_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    terminated_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    availability_zone: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    display_description: Mapped[str | None] = mapped_column(String(255))
    launched_on: Mapped[str | None] = mapped_column(MediumText())
    locked: Mapped[bool | None] = mapped_column(Boolean)
    locked_by: Mapped[str | None] = mapped_column(
        Enum("owner", "admin", name="instances0locked_by"))
    os_type: Mapped[str | None] = mapped_column(String(255))
    architecture: Mapped[str | None] = mapped_column(String(255))
    vm_mode: Mapped[str | None] = mapped_column(String(255))
    uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    root_device_name: Mapped[str | None] = mapped_column(String(255))
    default_ephemeral_device: Mapped[str | None] = mapped_column(String(255))
    default_swap_device: Mapped[str | None] = mapped_column(String(255))
    config_drive: Mapped[str | None] = mapped_column(String(255))
    access_ip_v4: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    access_ip_v6: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    auto_disk_config: Mapped[bool | None] = mapped_column(Boolean)
    progress: Mapped[int | None] = mapped_column(Integer)
    shutdown_terminate: Mapped[bool | None] = mapped_column(Boolean, default=False)
    disable_terminate: Mapped[bool | None] = mapped_column(Boolean, default=False)
    cell_name: Mapped[str | None] = mapped_column(String(255))
    # Set once a deleted instance's resources on the host are cleaned up.
    cleaned: Mapped[int | None] = mapped_column(Integer, default=0)
    # Hidden instances are the source copy of a cross-cell resize.
    hidden: Mapped[bool | None] = mapped_column(Boolean, default=False)

    info_cache: Mapped["InstanceInfoCache | None"] = relationship(
        "InstanceInfoCache", uselist=False, viewonly=True,
        primaryjoin="and_(Instance.uuid == foreign(InstanceInfoCache.instance_uuid),"
                    " InstanceInfoCache.deleted == 0)")
    extra: Mapped["InstanceExtra | None"] = relationship(
        "InstanceExtra", uselist=False, viewonly=True,
        primaryjoin="and_(Instance.uuid == foreign(InstanceExtra.instance_uuid),"
                    " InstanceExtra.deleted == 0)")
    # Named metadata_items because declarative reserves ``metadata``.
    metadata_items: Mapped[list["InstanceMetadata"]] = relationship(
        "InstanceMetadata", viewonly=True,
        primaryjoin="and_(Instance.uuid == foreign(InstanceMetadata.instance_uuid),"
                    " InstanceMetadata.deleted == 0)")
    system_metadata: Mapped[list["InstanceSystemMetadata"]] = relationship(
        "InstanceSystemMetadata", viewonly=True,
        primaryjoin="and_(Instance.uuid == foreign(InstanceSystemMetadata.instance_uuid),"
                    " InstanceSystemMetadata.deleted == 0)")
    tags: Mapped[list["Tag"]] = relationship(
        "Tag", viewonly=True,
        primaryjoin="Instance.uuid == foreign(Tag.resource_id)")


class InstanceExtra(BASE, NovaBase, SoftDeleteMixin):
    """Serialized (JSON) per-instance data too large or rare for ``instances``."""

    __tablename__ = "instance_extra"
    __table_args__ = (
        Index("instance_extra_idx", "instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str] = mapped_column(
        String(36), ForeignKey("instances.uuid"), nullable=False)
    device_metadata: Mapped[str | None] = mapped_column(Text())
    numa_topology: Mapped[str | None] = mapped_column(Text())
    pci_requests: Mapped[str | None] = mapped_column(Text())
    flavor: Mapped[str | None] = mapped_column(Text())
    vcpu_model: Mapped[str | None] = mapped_column(Text())
    migration_context: Mapped[str | None] = mapped_column(Text())
    keypairs: Mapped[str | None] = mapped_column(Text())
    trusted_certs: Mapped[str | None] = mapped_column(Text())
    vpmems: Mapped[str | None] = mapped_column(Text())
    resources: Mapped[str | None] = mapped_column(Text())


class InstanceMetadata(BASE, NovaBase, SoftDeleteMixin):
    """One user-set metadata key/value of an instance."""

    __tablename__ = "instance_metadata"
    __table_args__ = (
        Index("instance_metadata_instance_uuid_idx", "instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str | None] = mapped_column(String(255))
    value: Mapped[str | None] = mapped_column(String(255))
    instance_uuid: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("instances.uuid"))


class InstanceSystemMetadata(BASE, NovaBase, SoftDeleteMixin):
    """One nova-internal metadata key/value of an instance (image properties...)."""

    __tablename__ = "instance_system_metadata"
    __table_args__ = (
        Index("instance_uuid", "instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str] = mapped_column(
        String(36), ForeignKey("instances.uuid"), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    value: Mapped[str | None] = mapped_column(String(255))


class InstanceFault(BASE, NovaBase, SoftDeleteMixin):
    """An error recorded against an instance; ``code`` is an HTTP-style status."""

    __tablename__ = "instance_faults"
    __table_args__ = (
        Index("instance_faults_host_idx", "host"),
        Index("instance_faults_instance_uuid_deleted_created_at_idx",
              "instance_uuid", "deleted", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("instances.uuid"))
    code: Mapped[int] = mapped_column(Integer, nullable=False)
    message: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[str | None] = mapped_column(MediumText())
    host: Mapped[str | None] = mapped_column(String(255))


class InstanceAction(BASE, NovaBase, SoftDeleteMixin):
    """A user-visible action on an instance (create, reboot, resize, ...)."""

    __tablename__ = "instance_actions"
    __table_args__ = (
        Index("instance_uuid_idx", "instance_uuid"),
        Index("request_id_idx", "request_id"),
        Index("instance_actions_instance_uuid_updated_at_idx",
              "instance_uuid", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str | None] = mapped_column(String(255))
    instance_uuid: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("instances.uuid"))
    request_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    start_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    finish_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    message: Mapped[str | None] = mapped_column(String(255))


class InstanceActionEvent(BASE, NovaBase, SoftDeleteMixin):
    """One step of an instance action (e.g. compute_reboot_instance) and its result."""

    __tablename__ = "instance_actions_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event: Mapped[str | None] = mapped_column(String(255))
    action_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("instance_actions.id"))
    start_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    finish_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(String(255))
    traceback: Mapped[str | None] = mapped_column(Text())
    host: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[str | None] = mapped_column(Text())


class InstanceInfoCache(BASE, NovaBase, SoftDeleteMixin):
    """The instance's network info (JSON list of VIFs) as last seen from Neutron."""

    __tablename__ = "instance_info_caches"
    __table_args__ = (
        UniqueConstraint("instance_uuid", name="uniq_instance_info_caches0instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    network_info: Mapped[str | None] = mapped_column(MediumText())
    instance_uuid: Mapped[str] = mapped_column(
        String(36), ForeignKey("instances.uuid"), nullable=False)


class Service(BASE, NovaBase, SoftDeleteMixin):
    """A running nova service (``binary`` on ``host``) and its heartbeat.

    ``report_count`` grows with every heartbeat; ``version`` is the service's
    object/RPC compatibility version (nova.objects.service.SERVICE_VERSION).
    """

    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("host", "topic", "deleted", name="uniq_services0host0topic0deleted"),
        UniqueConstraint("host", "binary", "deleted",
                         name="uniq_services0host0binary0deleted"),
        Index("services_uuid_idx", "uuid", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    host: Mapped[str | None] = mapped_column(String(255))
    binary: Mapped[str | None] = mapped_column(String(255))
    topic: Mapped[str | None] = mapped_column(String(255))
    report_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    disabled: Mapped[bool | None] = mapped_column(Boolean, default=False)
    disabled_reason: Mapped[str | None] = mapped_column(String(255))
    last_seen_up: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    forced_down: Mapped[bool | None] = mapped_column(Boolean, default=False)
    version: Mapped[int | None] = mapped_column(Integer, default=0)


class ComputeNode(BASE, NovaBase, SoftDeleteMixin):
    """A hypervisor node managed by a nova-compute service and its resources.

    ``memory_mb`` in MiB, ``local_gb`` in GiB; ``*_used`` the amounts claimed by
    instances. ``uuid`` is also the node's resource provider uuid in Placement.
    """

    __tablename__ = "compute_nodes"
    __table_args__ = (
        Index("compute_nodes_uuid_idx", "uuid", unique=True),
        UniqueConstraint("host", "hypervisor_hostname", "deleted",
                         name="uniq_compute_nodes0host0hypervisor_hostname0deleted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    vcpus: Mapped[int] = mapped_column(Integer, nullable=False)
    memory_mb: Mapped[int] = mapped_column(Integer, nullable=False)
    local_gb: Mapped[int] = mapped_column(Integer, nullable=False)
    vcpus_used: Mapped[int] = mapped_column(Integer, nullable=False)
    memory_mb_used: Mapped[int] = mapped_column(Integer, nullable=False)
    local_gb_used: Mapped[int] = mapped_column(Integer, nullable=False)
    hypervisor_type: Mapped[str] = mapped_column(MediumText(), nullable=False)
    hypervisor_version: Mapped[int] = mapped_column(Integer, nullable=False)
    hypervisor_hostname: Mapped[str | None] = mapped_column(String(255))
    free_ram_mb: Mapped[int | None] = mapped_column(Integer)
    free_disk_gb: Mapped[int | None] = mapped_column(Integer)
    current_workload: Mapped[int | None] = mapped_column(Integer)
    running_vms: Mapped[int | None] = mapped_column(Integer)
    cpu_info: Mapped[str] = mapped_column(MediumText(), nullable=False)
    disk_available_least: Mapped[int | None] = mapped_column(Integer)
    host_ip: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    supported_instances: Mapped[str | None] = mapped_column(Text())
    metrics: Mapped[str | None] = mapped_column(Text())
    pci_stats: Mapped[str | None] = mapped_column(Text())
    extra_resources: Mapped[str | None] = mapped_column(Text())
    stats: Mapped[str | None] = mapped_column(Text(), default="{}")
    numa_topology: Mapped[str | None] = mapped_column(Text())
    cpu_allocation_ratio: Mapped[float | None] = mapped_column(Float, nullable=True)
    ram_allocation_ratio: Mapped[float | None] = mapped_column(Float, nullable=True)
    disk_allocation_ratio: Mapped[float | None] = mapped_column(Float, nullable=True)
    # 1 once nova-manage cell_v2 discover_hosts has made the host mapping.
    mapped: Mapped[int | None] = mapped_column(Integer, nullable=True, default=0)


class BlockDeviceMapping(BASE, NovaBase, SoftDeleteMixin):
    """A disk of an instance: image, volume, snapshot, ephemeral, swap or blank.

    ``volume_size`` in GiB; ``boot_index`` None means not bootable, 0 is the
    root disk.
    """

    __tablename__ = "block_device_mapping"
    __table_args__ = (
        Index("snapshot_id", "snapshot_id"),
        Index("volume_id", "volume_id"),
        Index("block_device_mapping_instance_uuid_idx", "instance_uuid"),
        Index("block_device_mapping_instance_uuid_device_name_idx",
              "instance_uuid", "device_name"),
        Index("block_device_mapping_instance_uuid_volume_id_idx",
              "instance_uuid", "volume_id"),
        UniqueConstraint("uuid", name="uniq_block_device_mapping0uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("instances.uuid"))
    source_type: Mapped[str | None] = mapped_column(String(255))
    destination_type: Mapped[str | None] = mapped_column(String(255))
    guest_format: Mapped[str | None] = mapped_column(String(255))
    device_type: Mapped[str | None] = mapped_column(String(255))
    disk_bus: Mapped[str | None] = mapped_column(String(255))
    boot_index: Mapped[int | None] = mapped_column(Integer)
    device_name: Mapped[str | None] = mapped_column(String(255))
    delete_on_termination: Mapped[bool | None] = mapped_column(Boolean, default=False)
    snapshot_id: Mapped[str | None] = mapped_column(String(36))
    volume_id: Mapped[str | None] = mapped_column(String(36))
    volume_size: Mapped[int | None] = mapped_column(Integer)
    volume_type: Mapped[str | None] = mapped_column(String(255))
    image_id: Mapped[str | None] = mapped_column(String(36))
    no_device: Mapped[bool | None] = mapped_column(Boolean)
    connection_info: Mapped[str | None] = mapped_column(MediumText())
    tag: Mapped[str | None] = mapped_column(String(255))
    attachment_id: Mapped[str | None] = mapped_column(String(36))
    uuid: Mapped[str | None] = mapped_column(String(36))
    encrypted: Mapped[bool | None] = mapped_column(Boolean, default=False)
    encryption_secret_uuid: Mapped[str | None] = mapped_column(String(36))
    encryption_format: Mapped[str | None] = mapped_column(String(128))
    encryption_options: Mapped[str | None] = mapped_column(String(4096))


class Migration(BASE, NovaBase, SoftDeleteMixin):
    """A move of an instance (cold migration, resize, live migration, evacuation).

    Memory and disk progress counters are in bytes (live migration only).
    """

    __tablename__ = "migrations"
    __table_args__ = (
        Index("migrations_instance_uuid_and_status_idx",
              "deleted", "instance_uuid", "status"),
        # Five 255-character columns exceed InnoDB's 3072-byte key limit in
        # utf8mb4, so MySQL/MariaDB index a prefix of each.
        Index("migrations_by_host_nodes_and_status_idx",
              "deleted", "source_compute", "dest_compute",
              "source_node", "dest_node", "status",
              mysql_length={"source_compute": 100, "dest_compute": 100,
                            "source_node": 100, "dest_node": 100, "status": 100}),
        Index("migrations_uuid", "uuid", unique=True),
        Index("migrations_updated_at_idx", "updated_at"),
        Index("migrations_dest_compute_id_deleted_idx", "dest_compute_id", "deleted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str | None] = mapped_column(String(36))
    source_compute: Mapped[str | None] = mapped_column(String(255))
    dest_compute: Mapped[str | None] = mapped_column(String(255))
    source_node: Mapped[str | None] = mapped_column(String(255))
    dest_node: Mapped[str | None] = mapped_column(String(255))
    dest_compute_id: Mapped[int | None] = mapped_column(BigInteger)
    dest_host: Mapped[str | None] = mapped_column(String(255))
    old_instance_type_id: Mapped[int | None] = mapped_column(Integer)
    new_instance_type_id: Mapped[int | None] = mapped_column(Integer)
    instance_uuid: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("instances.uuid"))
    status: Mapped[str | None] = mapped_column(String(255))
    migration_type: Mapped[str | None] = mapped_column(
        Enum("migration", "resize", "live-migration", "evacuation",
             name="migration_type"), nullable=True)
    hidden: Mapped[bool | None] = mapped_column(Boolean, default=False)
    memory_total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    memory_processed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    memory_remaining: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    disk_total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    disk_processed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    disk_remaining: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cross_cell_move: Mapped[bool | None] = mapped_column(Boolean, default=False)
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    project_id: Mapped[str | None] = mapped_column(String(255), nullable=True)


class TaskLog(BASE, NovaBase):
    """One host's run of a periodic audit over one period (upstream's task_log).

    nova-compute writes one row per (task_name, host, period) when it
    starts the audit (state RUNNING) and completes it (DONE) with the number
    of items (instances) seen and of errors; os-instance-usage-audit-log
    reads them. Rows are kept: one per host per period.
    """

    __tablename__ = "task_log"
    __table_args__ = (
        Index("ix_task_log_period_beginning", "period_beginning"),
        Index("ix_task_log_host", "host"),
        Index("ix_task_log_period_ending", "period_ending"),
        UniqueConstraint("task_name", "host", "period_beginning", "period_ending",
                         name="uniq_task_log0task_name0host0period_beginning0period_ending"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_name: Mapped[str] = mapped_column(String(255), nullable=False)
    state: Mapped[str] = mapped_column(String(255), nullable=False)
    host: Mapped[str] = mapped_column(String(255), nullable=False)
    period_beginning: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False)
    period_ending: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False)
    message: Mapped[str] = mapped_column(String(255), nullable=False)
    task_items: Mapped[int | None] = mapped_column(Integer, default=0)
    errors: Mapped[int | None] = mapped_column(Integer, default=0)


class ConsoleAuthToken(BASE, NovaBase):
    """A console access token; only its SHA-256 (``token_hash``) is stored.

    ``expires`` is a UNIX timestamp in seconds. Rows are deleted, not
    soft-deleted, once expired or when the instance goes away.
    """

    __tablename__ = "console_auth_tokens"
    __table_args__ = (
        Index("console_auth_tokens_instance_uuid_idx", "instance_uuid"),
        Index("console_auth_tokens_host_expires_idx", "host", "expires"),
        Index("console_auth_tokens_token_hash_idx", "token_hash"),
        Index("console_auth_tokens_token_hash_instance_uuid_idx",
              "token_hash", "instance_uuid"),
        UniqueConstraint("token_hash", name="uniq_console_auth_tokens0token_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    console_type: Mapped[str] = mapped_column(String(255), nullable=False)
    host: Mapped[str] = mapped_column(String(255), nullable=False)
    port: Mapped[int] = mapped_column(Integer, nullable=False)
    tls_port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    internal_access_path: Mapped[str | None] = mapped_column(String(255))
    instance_uuid: Mapped[str] = mapped_column(
        String(36), ForeignKey("instances.uuid"), nullable=False)
    expires: Mapped[int] = mapped_column(Integer, nullable=False)


class Tag(BASE, ModelBase):
    """A tag on a server: (``resource_id`` = instance uuid, ``tag``) is the key.

    Upstream keeps no timestamps on tags; they are deleted with the instance.
    """

    __tablename__ = "tags"
    __table_args__ = (
        Index("tags_tag_idx", "tag"),
    )

    resource_id: Mapped[str] = mapped_column(String(36), primary_key=True, nullable=False)
    tag: Mapped[str] = mapped_column(Unicode(80), primary_key=True, nullable=False)


# --- the built-in network service (nova-network's tables) ----------------------


class Network(BASE, NovaBase, SoftDeleteMixin):
    """A flat network: an IPv4 range on a Linux bridge, served by dnsmasq.

    Upstream nova-network's table. ``cidr`` is the whole range; fixed IPs
    from ``dhcp_start`` up are handed to servers. ``project_id`` NULL means
    any project may use it; ``vlan`` is kept for VLAN networks, which this
    service does not set up (flat only). ``host`` is unused (multi-host).
    """

    __tablename__ = "networks"
    __table_args__ = (
        Index("networks_host_idx", "host"),
        Index("networks_cidr_v6_idx", "cidr_v6"),
        Index("networks_bridge_deleted_idx", "bridge", "deleted"),
        Index("networks_project_id_deleted_idx", "project_id", "deleted"),
        Index("networks_uuid_project_id_deleted_idx", "uuid", "project_id", "deleted"),
        Index("networks_vlan_deleted_idx", "vlan", "deleted"),
        UniqueConstraint("vlan", "deleted", name="uniq_networks0vlan0deleted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str | None] = mapped_column(String(255))
    injected: Mapped[bool | None] = mapped_column(Boolean, default=False)
    cidr: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH + 4))
    cidr_v6: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH + 4))
    multi_host: Mapped[bool | None] = mapped_column(Boolean, default=False)
    gateway_v6: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    netmask_v6: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    netmask: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    bridge: Mapped[str | None] = mapped_column(String(255))
    bridge_interface: Mapped[str | None] = mapped_column(String(255))
    gateway: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    broadcast: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    dns1: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    dns2: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    vlan: Mapped[int | None] = mapped_column(Integer)
    vpn_public_address: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    vpn_public_port: Mapped[int | None] = mapped_column(Integer)
    vpn_private_address: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    dhcp_start: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    rxtx_base: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[str | None] = mapped_column(String(255))
    priority: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    uuid: Mapped[str | None] = mapped_column(String(36))
    mtu: Mapped[int | None] = mapped_column(Integer)
    dhcp_server: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    enable_dhcp: Mapped[bool | None] = mapped_column(Boolean, default=True)
    share_address: Mapped[bool | None] = mapped_column(Boolean, default=False)


class VirtualInterface(BASE, NovaBase, SoftDeleteMixin):
    """A server's NIC on a network: ``address`` is its MAC, ``uuid`` the VIF id."""

    __tablename__ = "virtual_interfaces"
    __table_args__ = (
        UniqueConstraint("address", "deleted",
                         name="uniq_virtual_interfaces0address0deleted"),
        Index("virtual_interfaces_network_id_idx", "network_id"),
        Index("virtual_interfaces_instance_uuid_fkey", "instance_uuid"),
        Index("virtual_interfaces_uuid_idx", "uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str | None] = mapped_column(String(255))
    network_id: Mapped[int | None] = mapped_column(Integer)
    instance_uuid: Mapped[str | None] = mapped_column(String(36))
    uuid: Mapped[str | None] = mapped_column(String(36))
    tag: Mapped[str | None] = mapped_column(String(255))


class FixedIp(BASE, NovaBase, SoftDeleteMixin):
    """One address of a network, free (``instance_uuid`` NULL) or a server's.

    ``network create`` writes a row for every address of the range; the
    network, gateway and broadcast addresses and those below ``dhcp_start``
    are ``reserved``. Allocation is a conditional UPDATE of a free row.
    """

    __tablename__ = "fixed_ips"
    __table_args__ = (
        UniqueConstraint("address", "deleted", name="uniq_fixed_ips0address0deleted"),
        Index("fixed_ips_virtual_interface_id_fkey", "virtual_interface_id"),
        Index("network_id", "network_id"),
        Index("address", "address"),
        Index("fixed_ips_instance_uuid_fkey", "instance_uuid"),
        Index("fixed_ips_host_idx", "host"),
        Index("fixed_ips_network_id_host_deleted_idx", "network_id", "host", "deleted"),
        Index("fixed_ips_address_reserved_network_id_deleted_idx",
              "address", "reserved", "network_id", "deleted"),
        Index("fixed_ips_deleted_allocated_updated_at_idx",
              "deleted", "allocated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    network_id: Mapped[int | None] = mapped_column(Integer)
    virtual_interface_id: Mapped[int | None] = mapped_column(Integer)
    instance_uuid: Mapped[str | None] = mapped_column(String(36))
    allocated: Mapped[bool | None] = mapped_column(Boolean, default=False)
    leased: Mapped[bool | None] = mapped_column(Boolean, default=False)
    reserved: Mapped[bool | None] = mapped_column(Boolean, default=False)
    host: Mapped[str | None] = mapped_column(String(255))


class FloatingIp(BASE, NovaBase, SoftDeleteMixin):
    """An address of a floating pool; a project holds it, a fixed IP may use it."""

    __tablename__ = "floating_ips"
    __table_args__ = (
        UniqueConstraint("address", "deleted", name="uniq_floating_ips0address0deleted"),
        Index("fixed_ip_id", "fixed_ip_id"),
        Index("floating_ips_host_idx", "host"),
        Index("floating_ips_project_id_idx", "project_id"),
        Index("floating_ips_pool_deleted_fixed_ip_id_project_id_idx",
              "pool", "deleted", "fixed_ip_id", "project_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH))
    fixed_ip_id: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[str | None] = mapped_column(String(255))
    host: Mapped[str | None] = mapped_column(String(255))
    auto_assigned: Mapped[bool | None] = mapped_column(Boolean, default=False)
    pool: Mapped[str | None] = mapped_column(String(255))
    interface: Mapped[str | None] = mapped_column(String(255))


class SecurityGroup(BASE, NovaBase, SoftDeleteMixin):
    """A project's named set of ingress rules (``default`` made on first use)."""

    __tablename__ = "security_groups"
    __table_args__ = (
        UniqueConstraint("project_id", "name", "deleted",
                         name="uniq_security_groups0project_id0name0deleted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))


class SecurityGroupIngressRule(BASE, NovaBase, SoftDeleteMixin):
    """One rule: ``protocol`` ports ``from_port``-``to_port`` from ``cidr`` or a group.

    ``parent_group_id`` is the group holding the rule; ``group_id`` the
    source group (its members' addresses), or NULL when ``cidr`` says.
    """

    __tablename__ = "security_group_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    parent_group_id: Mapped[int | None] = mapped_column(Integer)
    protocol: Mapped[str | None] = mapped_column(String(255))
    from_port: Mapped[int | None] = mapped_column(Integer)
    to_port: Mapped[int | None] = mapped_column(Integer)
    cidr: Mapped[str | None] = mapped_column(String(IP_ADDRESS_LENGTH + 4))
    group_id: Mapped[int | None] = mapped_column(Integer)


class SecurityGroupInstanceAssociation(BASE, NovaBase, SoftDeleteMixin):
    """A server's membership of a security group."""

    __tablename__ = "security_group_instance_association"
    __table_args__ = (
        Index("security_group_instance_association_instance_uuid_idx", "instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    security_group_id: Mapped[int | None] = mapped_column(Integer)
    instance_uuid: Mapped[str | None] = mapped_column(String(36))


# --- shadow tables ------------------------------------------------------------

#: Prefix of the tables ``nova-manage db archive_deleted_rows`` moves
#: soft-deleted rows into (upstream's name for them).
SHADOW_TABLE_PREFIX = "shadow_"


def _shadow_table(table):
    """Return the shadow copy of ``table``: its columns and primary key, nothing else.

    No defaults, foreign keys, unique constraints or indexes: a shadow table
    only keeps rows as they were, and rows of re-used names or of deleted
    parents must fit side by side. An Enum column gets an enum type of its
    own (``shadow_<name>``), since PostgreSQL types are database-wide.
    """
    columns = []
    for column in table.columns:
        column_type = column.type
        if isinstance(column_type, Enum):
            column_type = Enum(*column_type.enums, name=SHADOW_TABLE_PREFIX + column_type.name)
        columns.append(Column(column.name, column_type, primary_key=column.primary_key,
                              nullable=column.nullable, autoincrement=False))
    return Table(SHADOW_TABLE_PREFIX + table.name, BASE.metadata, *columns)


#: table name -> its shadow Table, for every soft-deleted table (those with a
#: ``deleted`` column). Upstream keeps shadow tables for the same tables
#: and, since Mitaka, adds none for tables without soft deletion (tags,
#: console_auth_tokens).
SHADOW_TABLES = {
    name: _shadow_table(table)
    for name, table in list(BASE.metadata.tables.items())
    if "deleted" in table.columns
}
