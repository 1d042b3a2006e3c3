"""Vendor data: facts the deployer hands every guest (vendor_data*.json).

Upstream has two providers, chosen by [api] vendordata_providers:
StaticJSON serves the JSON file at [api] vendordata_jsonfile_path;
DynamicJSON asks REST services. Only StaticJSON is implemented here: the
dynamic one needs Keystone-authenticated calls out of the metadata service.
"""

import json

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def read_static_json(path):
    """Return the dict in the JSON file at ``path``; {} when unset or unreadable.

    Upstream's rule: a missing or bad file is logged and serves as no vendor
    data, it never fails the guest's request.
    """
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        LOG.warning("Cannot read vendordata file %s: %s", path, e)
        return {}
    except ValueError as e:
        LOG.warning("Vendordata file %s is not JSON: %s", path, e)
        return {}
    if not isinstance(data, dict):
        LOG.warning("Vendordata file %s does not hold a JSON object", path)
        return {}
    return data


def vendor_data(conf):
    """vendor_data.json (HAVANA and later): the StaticJSON file, or {}."""
    if "StaticJSON" not in conf.api.vendordata_providers:
        return {}
    return read_static_json(conf.api.vendordata_jsonfile_path)


def vendor_data2(conf):
    """vendor_data2.json (NEWTON_TWO and later): {provider name: its data}.

    StaticJSON appears as "static" (``{"static": {}}`` with no file, as
    upstream); DynamicJSON targets are not contacted (logged once per call).
    """
    result = {}
    for provider in conf.api.vendordata_providers:
        if provider == "StaticJSON":
            result["static"] = read_static_json(conf.api.vendordata_jsonfile_path)
        elif conf.api.vendordata_dynamic_targets:
            LOG.warning("Vendordata provider %s is not supported; its targets %s are "
                        "left out", provider, conf.api.vendordata_dynamic_targets)
    return result
