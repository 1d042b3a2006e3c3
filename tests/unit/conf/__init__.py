# Importing nova first fixes the threading backend and blocks eventlet before
# these tests import oslo.messaging, which would otherwise pull eventlet in
# through oslo.service when this package is collected first.
import nova  # noqa: F401
