"""nova-compute and what other services use to reach it: the compute RPC API
(``rpcapi``), its manager, and the instance state names.
"""
