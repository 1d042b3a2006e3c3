"""Listing servers across cells and build requests as one sorted, paged list.

Each cell is asked in parallel for the matching instances in the requested
order; build requests (servers not scheduled yet) join them; the merged list
is sorted by the same keys, then the marker and limit apply. Sorting on
(keys..., uuid) makes the order total, so paging never skips or repeats a
server.
"""

import functools
import logging

from nova import context as nova_context
from nova import exception, objects

LOG = logging.getLogger(__name__)

CELL_TIMEOUT = 60


class _Missing:
    """Sorts before every value, so NULLs come first ascending, as SQL does."""

    def __lt__(self, other):
        return not isinstance(other, _Missing)

    def __gt__(self, other):
        return False

    def __eq__(self, other):
        return isinstance(other, _Missing)

    __hash__ = object.__hash__


_MISSING = _Missing()


def _value(instance, key):
    if not instance.obj_attr_is_set(key):
        return _MISSING
    value = getattr(instance, key)
    return _MISSING if value is None else value


def _compare(keys, dirs, left, right):
    for key, direction in zip(keys, dirs, strict=True):
        a, b = _value(left, key), _value(right, key)
        if a == b:
            continue
        result = -1 if a < b else 1
        return result if direction == "asc" else -result
    return 0


def _in_cell(cctxt, filters, sort_keys, sort_dirs, expected_attrs):
    return list(objects.InstanceList.get_by_filters(
        cctxt, filters, sort_keys=sort_keys, sort_dirs=sort_dirs,
        expected_attrs=expected_attrs))


def get_instances_sorted(context, filters, limit, marker, expected_attrs,
                         sort_keys, sort_dirs):
    """Return a list of Instance objects from every cell and build request.

    :param filters: as InstanceList.get_by_filters.
    :param limit: the page size, or None.
    :param marker: uuid of the last server of the previous page, or None.
    :param sort_keys/sort_dirs: lists of equal length ("asc"/"desc").
    :raises MarkerNotFound: no server has the marker's uuid.
    Cells that fail to answer are left out and logged, as upstream does.
    """
    keys = list(sort_keys) + ["uuid"]
    dirs = list(sort_dirs) + [sort_dirs[0] if sort_dirs else "desc"]
    cells = objects.CellMappingList.get_all(context)
    results = nova_context.scatter_gather_cells(
        context, cells, CELL_TIMEOUT, _in_cell, filters, list(sort_keys), list(sort_dirs),
        expected_attrs)
    instances = []
    for cell_uuid, result in results.items():
        if nova_context.is_cell_failure_sentinel(result):
            LOG.warning("Cell %s did not answer; its servers are left out", cell_uuid)
            continue
        instances.extend(result)
    seen = {inst.uuid for inst in instances}
    for build_request in objects.BuildRequestList.get_by_filters(context, filters):
        if build_request.instance_uuid not in seen:
            instances.append(build_request.instance)
    instances.sort(key=functools.cmp_to_key(functools.partial(_compare, keys, dirs)))
    if marker is not None:
        for index, inst in enumerate(instances):
            if inst.uuid == marker:
                instances = instances[index + 1:]
                break
        else:
            raise exception.MarkerNotFound(marker=marker)
    if limit is not None:
        instances = instances[:limit]
    return instances
