"""The metadata versions upstream serves, oldest first, and how to compare them.

A guest asks for a dated version (or ``latest``, the newest); newer versions
add documents or fields, never remove them. Version strings are ISO dates,
except EC2's "1.0", so string order is chronological order.
"""

#: EC2 layout versions; "latest" means the last one.
EC2_VERSIONS = (
    "1.0",
    "2007-01-19",
    "2007-03-01",
    "2007-08-29",
    "2007-10-10",
    "2007-12-15",
    "2008-02-01",
    "2008-09-01",
    "2009-04-04",
)

# OpenStack layout versions, named for the release that introduced them.
FOLSOM = "2012-08-10"
GRIZZLY = "2013-04-04"  # password, random_seed
HAVANA = "2013-10-17"  # vendor_data.json
LIBERTY = "2015-10-15"  # network_data.json, project_id
NEWTON_ONE = "2016-06-30"  # devices
NEWTON_TWO = "2016-10-06"  # vendor_data2.json
OCATA = "2017-02-22"  # vlan and vf_trusted in devices
ROCKY = "2018-08-27"  # trusted devices
VICTORIA = "2020-10-14"  # dedicated_cpus

#: OpenStack layout versions; "latest" means the last one.
OPENSTACK_VERSIONS = (FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE, NEWTON_TWO,
                      OCATA, ROCKY, VICTORIA)

LATEST = "latest"


def resolve(requested, known):
    """Return the concrete version for ``requested`` among ``known``, or None.

    :param requested: a path segment such as "2013-04-04" or "latest".
    :param known: EC2_VERSIONS or OPENSTACK_VERSIONS.
    :returns: the version string, the newest for "latest"; None when unknown
        (upstream answers 404 for an unknown version).
    """
    if requested == LATEST:
        return known[-1]
    return requested if requested in known else None


def at_least(version, required):
    """True when ``version`` (concrete, from the same list) is ``required`` or newer."""
    return version >= required


def listing(known):
    """The version directory a guest sees: every version, then "latest"."""
    return [*known, LATEST]
