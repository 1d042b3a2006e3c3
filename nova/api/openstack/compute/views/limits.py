"""The body of GET /limits: {"limits": {"rate": [], "absolute": {...}}}.

Rate limits were removed upstream long ago; ``rate`` stays an empty list.
Absolute limits use upstream's names. The nova-network limits
(security groups and their rules, floating IPs) are reported as unlimited
and unused before 2.36 (upstream keeps them only to preserve the response
format) and left out from 2.36.
"""

#: Limit name in the response -> quota resource name.
LIMIT_NAMES = {
    "maxTotalInstances": "instances",
    "maxTotalCores": "cores",
    "maxTotalRAMSize": "ram",
    "maxServerMeta": "metadata_items",
    "maxImageMeta": "metadata_items",
    "maxPersonality": "injected_files",
    "maxPersonalitySize": "injected_file_content_bytes",
    "maxTotalKeypairs": "key_pairs",
    "maxServerGroups": "server_groups",
    "maxServerGroupMembers": "server_group_members",
}

#: Limits upstream stopped showing: name -> last microversion showing it
#: (2.39: image metadata is Glance's; 2.57: personality is gone).
LIMIT_UNTIL = {
    "maxImageMeta": "2.38",
    "maxPersonality": "2.56",
    "maxPersonalitySize": "2.56",
}

#: The nova-network limits shown before 2.36 -> quota resource name.
NETWORK_LIMIT_NAMES = {
    "maxSecurityGroups": "security_groups",
    "maxSecurityGroupRules": "security_group_rules",
    "maxTotalFloatingIps": "floating_ips",
}

#: Usage name in the response -> counted resource name.
USAGE_NAMES = {
    "totalInstancesUsed": "instances",
    "totalCoresUsed": "cores",
    "totalRAMUsed": "ram",
    "totalServerGroupsUsed": "server_groups",
}

NETWORK_USAGE_NAMES = {
    "totalSecurityGroupsUsed": "security_groups",
    "totalFloatingIpsUsed": "floating_ips",
}


def build(limits, usage, include_network, version=None):
    """Return the /limits body.

    :param version: the request's APIVersionRequest; the limits of
        LIMIT_UNTIL show only up to their version (None: all shown).
    :param limits: {resource: hard limit} (-1 unlimited), as
        nova.quota.get_project_limits returns.
    :param usage: {resource: amount used} with instances, cores, ram (MiB)
        and server_groups.
    :param include_network: True before 2.36.
    """
    absolute = {name: limits[resource] for name, resource in LIMIT_NAMES.items()
                if version is None or version.matches(None, LIMIT_UNTIL.get(name))}
    absolute.update({name: usage.get(resource, 0) for name, resource in USAGE_NAMES.items()})
    if include_network:
        absolute.update({name: limits.get(resource, -1)
                         for name, resource in NETWORK_LIMIT_NAMES.items()})
        absolute.update({name: usage.get(resource, 0)
                         for name, resource in NETWORK_USAGE_NAMES.items()})
    return {"limits": {"rate": [], "absolute": absolute}}
