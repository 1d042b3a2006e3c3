"""nova-conductor: object indirection for nova-compute, and (later) the
long-running orchestration of builds, moves and rebuilds.

``rpcapi.ConductorAPI`` is the client, ``manager.ConductorManager`` the server
side, ``api.API`` what other services hold.
"""
