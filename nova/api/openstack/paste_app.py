"""Load the Compute API app from api-paste.ini."""

from paste import deploy

import nova.conf
from nova import config, exception

CONF = nova.conf.CONF

#: Name of the top-level composite in api-paste.ini.
OSAPI_COMPUTE = "osapi_compute"


def load_app(name=OSAPI_COMPUTE, conf=CONF, paste_config=None):
    """Load WSGI app ``name`` from the paste file.

    :param name: section name (``osapi_compute`` is the whole endpoint).
    :param conf: parsed ConfigOpts; selects the file ([wsgi]
        api_paste_config, found by nova.config.find_paste_config) and,
        through the pipeline factory, the auth strategy.
    :param paste_config: path overriding [wsgi] api_paste_config.
    :returns: the WSGI application.
    :raises nova.exception.ConfigNotFound: no paste file.
    :raises nova.exception.PasteAppNotFound: the file has no such app.
    """
    path = paste_config or config.find_paste_config(conf)
    try:
        return deploy.loadapp(f"config:{path}", name=name)
    except LookupError as exc:
        raise exception.PasteAppNotFound(name=name, path=path) from exc
