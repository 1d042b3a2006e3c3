"""SQLAlchemy models of the API database.

The API database holds what is global to a deployment: the cell, host and
instance mappings that route requests to cells, build requests and request
specs for servers not yet in a cell, flavors, key pairs, server groups,
aggregates and quota limits. Table, column, index and constraint names follow
upstream Nova's API schema so that operators' tooling and SQL keep working.

Unlike the cell database, API tables are not soft-deleted: a row is removed
when its resource goes away, and only ``created_at``/``updated_at`` are kept.

Relationships load eagerly (``joined`` for one parent row, ``selectin`` for
collections) because the session closes when the enginefacade block ends and
the objects layer reads them afterwards.
"""

import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from nova.db.model_base import FK_NAMING_CONVENTION, MediumText, NovaBase


class BASE(DeclarativeBase):
    """Declarative base of the API database; ``BASE.metadata`` is its schema."""

    # Named foreign keys (PostgreSQL's own style) so later migrations can
    # drop or alter them by the same name on every backend.
    metadata = MetaData(naming_convention=FK_NAMING_CONVENTION)


class _APIBase(NovaBase):
    """Every API table: created_at/updated_at and dict-style access."""


class CellMapping(BASE, _APIBase):
    """A cell: where its database and message queue are.

    ``uuid`` cell0 is the all-zero uuid (``00000000-0000-0000-0000-000000000000``).
    ``transport_url`` and ``database_connection`` may hold templates
    (``{username}`` etc.) that the objects layer expands from [DEFAULT]
    transport_url and [database] connection.
    """

    __tablename__ = "cell_mappings"
    __table_args__ = (
        Index("uuid_idx", "uuid"),
        UniqueConstraint("uuid", name="uniq_cell_mappings0uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    name: Mapped[str | None] = mapped_column(String(255))
    transport_url: Mapped[str | None] = mapped_column(Text())
    database_connection: Mapped[str | None] = mapped_column(Text())
    disabled: Mapped[bool | None] = mapped_column(Boolean, default=False)


class HostMapping(BASE, _APIBase):
    """Which cell a compute host (its service ``host`` name) belongs to."""

    __tablename__ = "host_mappings"
    __table_args__ = (
        Index("host_idx", "host"),
        UniqueConstraint("host", name="uniq_host_mappings0host"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cell_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("cell_mappings.id"), nullable=False)
    host: Mapped[str] = mapped_column(String(255), nullable=False)

    cell_mapping: Mapped[CellMapping] = relationship(CellMapping, lazy="joined")


class InstanceMapping(BASE, _APIBase):
    """Which cell holds an instance; ``cell_id`` is NULL while it is a build request.

    ``queued_for_delete`` is set when the server is deleted, so counting a
    project's servers for quota needs only the API database.
    """

    __tablename__ = "instance_mappings"
    __table_args__ = (
        Index("project_id_idx", "project_id"),
        Index("instance_uuid_idx", "instance_uuid"),
        Index("instance_mappings_user_id_project_id_idx", "user_id", "project_id"),
        UniqueConstraint("instance_uuid", name="uniq_instance_mappings0instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    cell_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("cell_mappings.id"), nullable=True)
    project_id: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    queued_for_delete: Mapped[bool | None] = mapped_column(
        Boolean, default=False, nullable=True)

    cell_mapping: Mapped[CellMapping | None] = relationship(CellMapping, lazy="joined")


class BuildRequest(BASE, _APIBase):
    """A server accepted by the API but not yet created in a cell.

    ``instance`` holds the serialized Instance object, ``block_device_mappings``
    the serialized BlockDeviceMappingList and ``tags`` the serialized TagList.
    """

    __tablename__ = "build_requests"
    __table_args__ = (
        Index("build_requests_instance_uuid_idx", "instance_uuid"),
        Index("build_requests_project_id_idx", "project_id"),
        UniqueConstraint("instance_uuid", name="uniq_build_requests0instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str | None] = mapped_column(String(36))
    project_id: Mapped[str] = mapped_column(String(255), nullable=False)
    instance: Mapped[str | None] = mapped_column(MediumText())
    block_device_mappings: Mapped[str | None] = mapped_column(MediumText())
    tags: Mapped[str | None] = mapped_column(Text())


class RequestSpec(BASE, _APIBase):
    """The scheduling request of an instance, kept for moves; ``spec`` is JSON."""

    __tablename__ = "request_specs"
    __table_args__ = (
        Index("request_spec_instance_uuid_idx", "instance_uuid"),
        UniqueConstraint("instance_uuid", name="uniq_request_specs0instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    spec: Mapped[str] = mapped_column(MediumText(), nullable=False)


class Flavor(BASE, _APIBase):
    """A flavor: the size of a server. ``flavorid`` is the id the REST API shows.

    ``memory_mb`` in MiB, ``root_gb``/``ephemeral_gb`` in GiB, ``swap`` in MiB.
    """

    __tablename__ = "flavors"
    __table_args__ = (
        UniqueConstraint("flavorid", name="uniq_flavors0flavorid"),
        UniqueConstraint("name", name="uniq_flavors0name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    memory_mb: Mapped[int] = mapped_column(Integer, nullable=False)
    vcpus: Mapped[int] = mapped_column(Integer, nullable=False)
    root_gb: Mapped[int | None] = mapped_column(Integer)
    ephemeral_gb: Mapped[int | None] = mapped_column(Integer)
    flavorid: Mapped[str] = mapped_column(String(255), nullable=False)
    swap: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rxtx_factor: Mapped[float | None] = mapped_column(Float, default=1)
    vcpu_weight: Mapped[int | None] = mapped_column(Integer)
    disabled: Mapped[bool | None] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool | None] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text())

    extra_specs: Mapped[list["FlavorExtraSpecs"]] = relationship(
        "FlavorExtraSpecs", lazy="selectin", back_populates="flavor",
        cascade="all, delete-orphan")
    projects: Mapped[list["FlavorProjects"]] = relationship(
        "FlavorProjects", lazy="selectin", back_populates="flavor",
        cascade="all, delete-orphan")


class FlavorExtraSpecs(BASE, _APIBase):
    """One key/value extra spec of a flavor (e.g. ``hw:cpu_policy``)."""

    __tablename__ = "flavor_extra_specs"
    __table_args__ = (
        Index("flavor_extra_specs_flavor_id_key_idx", "flavor_id", "key"),
        UniqueConstraint("flavor_id", "key", name="uniq_flavor_extra_specs0flavor_id0key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    value: Mapped[str | None] = mapped_column(String(255))
    flavor_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("flavors.id"), nullable=False)

    flavor: Mapped[Flavor] = relationship(Flavor, back_populates="extra_specs")


class FlavorProjects(BASE, _APIBase):
    """A project allowed to use a private (``is_public=False``) flavor."""

    __tablename__ = "flavor_projects"
    __table_args__ = (
        UniqueConstraint("flavor_id", "project_id",
                         name="uniq_flavor_projects0flavor_id0project_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flavor_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("flavors.id"), nullable=False)
    project_id: Mapped[str] = mapped_column(String(255), nullable=False)

    flavor: Mapped[Flavor] = relationship(Flavor, back_populates="projects")


class KeyPair(BASE, _APIBase):
    """A user's SSH (or x509) public key, unique by (user_id, name)."""

    __tablename__ = "key_pairs"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uniq_key_pairs0user_id0name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    fingerprint: Mapped[str | None] = mapped_column(String(255))
    public_key: Mapped[str | None] = mapped_column(Text())
    type: Mapped[str] = mapped_column(
        Enum("ssh", "x509", name="keypair_types"), nullable=False, server_default="ssh")


class InstanceGroup(BASE, _APIBase):
    """A server group; its policy and members live in the two tables below."""

    __tablename__ = "instance_groups"
    __table_args__ = (
        UniqueConstraint("uuid", name="uniq_instance_groups0uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    name: Mapped[str | None] = mapped_column(String(255))

    _policies: Mapped[list["InstanceGroupPolicy"]] = relationship(
        "InstanceGroupPolicy", lazy="selectin", cascade="all, delete-orphan")
    _members: Mapped[list["InstanceGroupMember"]] = relationship(
        "InstanceGroupMember", lazy="selectin", cascade="all, delete-orphan")

    @property
    def policy(self):
        """The group's policy row, or None (a group has at most one)."""
        return self._policies[0] if self._policies else None

    @property
    def members(self):
        """The instance uuids in the group (list of str)."""
        return [m.instance_uuid for m in self._members]


class InstanceGroupMember(BASE, _APIBase):
    """One instance of a server group."""

    __tablename__ = "instance_group_member"
    __table_args__ = (
        Index("instance_group_member_instance_idx", "instance_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_uuid: Mapped[str | None] = mapped_column(String(255))
    group_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("instance_groups.id"), nullable=False)


class InstanceGroupPolicy(BASE, _APIBase):
    """The policy of a server group (affinity, anti-affinity, soft-...).

    ``rules`` is a JSON object, e.g. ``{"max_server_per_host": 2}``.
    """

    __tablename__ = "instance_group_policy"
    __table_args__ = (
        Index("instance_group_policy_policy_idx", "policy"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy: Mapped[str | None] = mapped_column(String(255))
    group_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("instance_groups.id"), nullable=False)
    rules: Mapped[str | None] = mapped_column(Text())


class Aggregate(BASE, _APIBase):
    """A host aggregate; ``availability_zone`` is the metadata key of that name."""

    __tablename__ = "aggregates"
    __table_args__ = (
        Index("aggregate_uuid_idx", "uuid"),
        UniqueConstraint("name", name="uniq_aggregate0name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str | None] = mapped_column(String(255))

    _hosts: Mapped[list["AggregateHost"]] = relationship(
        "AggregateHost", lazy="selectin", cascade="all, delete-orphan")
    _metadata: Mapped[list["AggregateMetadata"]] = relationship(
        "AggregateMetadata", lazy="selectin", cascade="all, delete-orphan")

    @property
    def hosts(self):
        """Host names in the aggregate (list of str)."""
        return [h.host for h in self._hosts]

    @property
    def metadetails(self):
        """The aggregate's metadata as a dict of str to str."""
        return {m.key: m.value for m in self._metadata}

    @property
    def availability_zone(self):
        """The ``availability_zone`` metadata value, or None."""
        return self.metadetails.get("availability_zone")


class AggregateHost(BASE, _APIBase):
    """A host in an aggregate."""

    __tablename__ = "aggregate_hosts"
    __table_args__ = (
        UniqueConstraint("host", "aggregate_id",
                         name="uniq_aggregate_hosts0host0aggregate_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    host: Mapped[str | None] = mapped_column(String(255))
    aggregate_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("aggregates.id"), nullable=False)


class AggregateMetadata(BASE, _APIBase):
    """One key/value metadata item of an aggregate."""

    __tablename__ = "aggregate_metadata"
    __table_args__ = (
        Index("aggregate_metadata_key_idx", "key"),
        UniqueConstraint("aggregate_id", "key",
                         name="uniq_aggregate_metadata0aggregate_id0key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    aggregate_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("aggregates.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    value: Mapped[str] = mapped_column(String(255), nullable=False)


class Quota(BASE, _APIBase):
    """A project's limit for one resource (``hard_limit`` -1 means unlimited)."""

    __tablename__ = "quotas"
    __table_args__ = (
        UniqueConstraint("project_id", "resource", name="uniq_quotas0project_id0resource"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str | None] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(255), nullable=False)
    hard_limit: Mapped[int | None] = mapped_column(Integer)


class ProjectUserQuota(BASE, _APIBase):
    """A user's limit for one resource within a project."""

    __tablename__ = "project_user_quotas"
    __table_args__ = (
        Index("project_user_quotas_project_id_idx", "project_id"),
        Index("project_user_quotas_user_id_idx", "user_id"),
        UniqueConstraint("user_id", "project_id", "resource",
                         name="uniq_project_user_quotas0user_id0project_id0resource"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    resource: Mapped[str] = mapped_column(String(255), nullable=False)
    hard_limit: Mapped[int | None] = mapped_column(Integer)


class QuotaClass(BASE, _APIBase):
    """A limit for one resource in a quota class (``default`` holds the defaults)."""

    __tablename__ = "quota_classes"
    __table_args__ = (
        Index("quota_classes_class_name_idx", "class_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_name: Mapped[str | None] = mapped_column(String(255))
    resource: Mapped[str | None] = mapped_column(String(255))
    hard_limit: Mapped[int | None] = mapped_column(Integer)


class QuotaUsage(BASE, _APIBase):
    """Legacy reserved/in-use counters (upstream counts usage live since Pike)."""

    __tablename__ = "quota_usages"
    __table_args__ = (
        Index("quota_usages_project_id_idx", "project_id"),
        Index("quota_usages_user_id_idx", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(255), nullable=False)
    in_use: Mapped[int] = mapped_column(Integer, nullable=False)
    reserved: Mapped[int] = mapped_column(Integer, nullable=False)
    until_refresh: Mapped[int | None] = mapped_column(Integer)


class Reservation(BASE, _APIBase):
    """Legacy quota reservation against a QuotaUsage row."""

    __tablename__ = "reservations"
    __table_args__ = (
        Index("reservations_project_id_idx", "project_id"),
        Index("reservations_uuid_idx", "uuid"),
        Index("reservations_expire_idx", "expire"),
        Index("reservations_user_id_idx", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    usage_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("quota_usages.id"), nullable=False)
    project_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    resource: Mapped[str | None] = mapped_column(String(255))
    delta: Mapped[int] = mapped_column(Integer, nullable=False)
    expire: Mapped[datetime.datetime | None] = mapped_column(DateTime)
