"""Versioned notifications: what nova tells listeners about instances.

Payloads are versioned objects named as upstream names them
(``InstanceActionPayload``...; ``payloads``); ``instance`` sends them with
upstream's event types ("instance.power_off.start") on the
[notifications] versioned_notifications_topics when [notifications]
notification_format is "versioned" or "both".
"""
