"""Policies of the image proxy (/images, deprecated upstream in 2.36).

Listing and showing images goes to Glance with the caller's token, so
Glance's own policy decides what is visible; nova only guards the extra
attribute it adds.
"""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name="os_compute_api:image-size", check_str=base.PROJECT_READER_OR_ADMIN,
        description="Add the OS-EXT-IMG-SIZE:size attribute to images.",
        operations=[{"method": "GET", "path": "/images/{id}"},
                    {"method": "GET", "path": "/images/detail"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the image proxy rules."""
    return rules
