"""[notifications]: which notifications nova emits and in what format.

Where they go (driver, transport, topics of unversioned notifications) is
oslo.messaging's [oslo_messaging_notifications] group.
"""

from oslo_config import cfg

notifications_group = cfg.OptGroup(
    "notifications",
    title="Notification options",
    help="What nova notifies about and in which payload format.",
)

notification_opts = [
    cfg.StrOpt(
        "notify_on_state_change",
        choices=[
            (None, "No notifications on state changes."),
            ("vm_state", "Notify when an instance's vm_state changes."),
            ("vm_and_task_state", "Notify when vm_state or task_state changes."),
        ],
        help="""
Send an instance.update notification when an instance's state changes.

Default: unset (no state-change notifications).
""",
    ),
    cfg.StrOpt(
        "default_level",
        default="INFO",
        choices=[
            ("DEBUG", "Debugging detail."),
            ("INFO", "Normal operations."),
            ("WARN", "Something unusual that nova handled."),
            ("ERROR", "An operation failed."),
            ("CRITICAL", "The service cannot go on."),
        ],
        help="""
Priority of notifications that do not set one.

Default: INFO
""",
    ),
    cfg.StrOpt(
        "notification_format",
        default="unversioned",
        choices=[
            ("both", "Emit both formats."),
            ("versioned", "Only versioned (ovo-based) payloads."),
            ("unversioned", "Only the legacy unversioned payloads."),
        ],
        help="""
Payload format of the notifications.

Default: unversioned

Related options:
* versioned_notifications_topics
* [oslo_messaging_notifications] driver (notifications are sent only when a
  driver is set)
""",
    ),
    cfg.ListOpt(
        "versioned_notifications_topics",
        default=["versioned_notifications"],
        help="""
Topics versioned notifications are sent to.

Default: versioned_notifications

Related options:
* notification_format
""",
    ),
    cfg.BoolOpt(
        "bdms_in_notifications",
        default=False,
        help="""
Include the instance's block device mappings in versioned instance
notifications.

Default: False
""",
    ),
]


def register_opts(conf):
    """Register the [notifications] group on ``conf``."""
    conf.register_group(notifications_group)
    conf.register_opts(notification_opts, group=notifications_group)


def list_opts():
    """Return {notifications_group: [options]} for the config generator."""
    return {notifications_group: notification_opts}
