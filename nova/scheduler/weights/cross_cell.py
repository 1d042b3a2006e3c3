"""CrossCellWeigher: a move that may change cells prefers its own cell.

For a resize or cold migration allowed to cross cells, the request spec's
requested_destination names the instance's cell (the source cell) with
allow_cross_cell_move set; hosts of that cell score 1, others 0, since a
move within a cell is much cheaper than one across cells. New builds and
moves kept within their cell score 0 everywhere: the weigher is neutral.
"""

from nova.scheduler import utils
from nova.scheduler.weights import base


def _source_cell(spec_obj):
    destination = utils.get_field(spec_obj, "requested_destination")
    if destination is None or not utils.get_field(destination, "allow_cross_cell_move"):
        return None
    cell = utils.get_field(destination, "cell")
    return utils.get_field(cell, "uuid") if cell is not None else None


class CrossCellWeigher(base.BaseHostWeigher):
    """Score = 1 for hosts in the source cell of a cross-cell move, else 0
    ([filter_scheduler] cross_cell_move_weight_multiplier)."""

    multiplier_option = "cross_cell_move_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        source = _source_cell(spec_obj)
        return 1 if source is not None and host_state.cell_uuid == source else 0
