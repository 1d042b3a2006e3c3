"""The Compute API for uwsgi/mod_wsgi: ``--module nova.wsgi.osapi_compute:application``.

Reads OS_NOVA_CONFIG_DIR (default /etc/nova) and OS_NOVA_CONFIG_FILES
(default nova.conf, ";"-separated) for its configuration.
"""

from nova.api.openstack import wsgi_app

application = wsgi_app.init_application()
