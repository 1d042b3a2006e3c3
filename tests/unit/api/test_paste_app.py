"""Loading apps from api-paste.ini."""

import pytest

from nova import exception
from nova.api.openstack import paste_app, urlmap


def test_loads_the_url_map(api_conf):
    api_conf.config(auth_strategy="noauth2", group="api")
    assert isinstance(paste_app.load_app(), urlmap.URLMap)


def test_unknown_app_name(api_conf):
    with pytest.raises(exception.PasteAppNotFound):
        paste_app.load_app("no_such_app")


def test_missing_paste_file(api_conf, tmp_path):
    api_conf.config(api_paste_config=str(tmp_path / "absent.ini"), group="wsgi")
    with pytest.raises(exception.ConfigNotFound):
        paste_app.load_app()


def test_pipeline_for_an_unknown_strategy_is_a_clear_error(api_conf, tmp_path):
    ini = tmp_path / "api-paste.ini"
    ini.write_text("[composite:osapi_compute]\n"
                   "use = call:nova.api.openstack.pipeline:pipeline_factory\n"
                   "noauth2 = faultwrap app\n"
                   "[filter:faultwrap]\n"
                   "paste.filter_factory = nova.api.openstack.faults:FaultWrapper.factory\n"
                   "[app:app]\n"
                   "paste.app_factory = nova.api.openstack.compute.routes:compute_app_factory\n")
    api_conf.config(auth_strategy="keystone", group="api")
    with pytest.raises(exception.PasteAppNotFound, match="auth_strategy keystone"):
        paste_app.load_app(paste_config=str(ini))
