"""OpenStack Compute (Nova) control plane on native threads.

Every daemon, nova-manage and the tests import this package first, so it is
where the concurrency model is fixed: oslo.service runs its threading backend,
and eventlet is made unimportable. Libraries that probe for eventlet
(futurist, oslo.utils) then take their plain-thread paths, and any code that
really needs eventlet fails loudly at import instead of half-working.
"""

import sys

# A None entry makes "import eventlet" raise ImportError. setdefault keeps a
# real eventlet if something imported it before us, which the tests catch.
sys.modules.setdefault("eventlet", None)

from oslo_service import backend as _service_backend  # noqa: E402

if _service_backend._cached_backend_type is None:
    _service_backend.init_backend(_service_backend.BackendType.THREADING)
