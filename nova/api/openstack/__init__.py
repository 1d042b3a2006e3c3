"""The OpenStack Compute API v2.1: WSGI framework shared by every resource.

Layout:

* ``router`` - route table dispatch (404/405), body parsing, microversion
  negotiation; ``wsgi`` - the request and handler contract;
* ``api_version_request`` - microversion parsing and the min/max served;
* ``faults`` - error bodies; ``auth`` - context filters; ``requestid``,
  ``sizelimit``, ``urlmap``, ``pipeline`` - the rest of the paste pipeline;
* ``compute/`` - one controller module per resource, its ``routes`` table,
  ``schemas/`` and ``views/``.
"""
