"""Choose the API pipeline by [api] auth_strategy.

``api-paste.ini`` declares one pipeline per strategy in a composite section::

    [composite:openstack_compute_api_v21]
    use = call:nova.api.openstack.pipeline:pipeline_factory
    keystone = compute_req_id faultwrap sizelimit authtoken keystonecontext osapi_compute_app_v21
    noauth2 = compute_req_id faultwrap sizelimit noauth2 osapi_compute_app_v21

and this factory builds the one named by the option.
"""

import nova.conf
from nova import exception

CONF = nova.conf.CONF


def pipeline_factory(loader, global_conf, **local_conf):
    """PasteDeploy composite factory: build the pipeline for the auth strategy.

    :param local_conf: strategy name -> space-separated filter names ending
        with the app name.
    :returns: the WSGI app wrapped by its filters (first name outermost).
    :raises nova.exception.PasteAppNotFound: the ini lacks a pipeline for
        the configured strategy.
    """
    strategy = CONF.api.auth_strategy
    if strategy not in local_conf:
        raise exception.PasteAppNotFound(name=f"pipeline for auth_strategy {strategy}",
                                         path=global_conf.get("__file__"))
    names = local_conf[strategy].split()
    app = loader.get_app(names[-1], global_conf=global_conf)
    for name in reversed(names[:-1]):
        app = loader.get_filter(name, global_conf=global_conf)(app)
    return app
