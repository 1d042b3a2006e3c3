"""View builders: turn objects into response dicts, one module per resource.

When a response changes with the microversion, write one small builder per
range and pick it with ``api_version_request.choose``.
"""
