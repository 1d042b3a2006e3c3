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
]


def register_opts(conf):
    """Register the [notifications] group on ``conf``."""
    conf.register_group(notifications_group)
    conf.register_opts(notification_opts, group=notifications_group)


def list_opts():
    """Return {notifications_group: [options]} for the config generator."""
    return {notifications_group: notification_opts}
