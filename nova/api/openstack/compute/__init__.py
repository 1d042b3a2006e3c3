"""Controllers of the Compute API, one module per resource (see routes.py)."""
