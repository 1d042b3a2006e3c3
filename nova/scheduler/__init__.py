"""nova-scheduler: picks compute hosts for instances (``select_destinations``)
and maps newly discovered compute hosts to their cells.
"""
