"""Version documents (GET / and GET /v2.1/), shaped as upstream's api-ref."""

from nova.api.openstack import api_version_request

#: Where "describedby" links point, as upstream.
DOCS_URL = "http://docs.openstack.org/"

V21_ID = "v2.1"
#: Fixed release date upstream reports for v2.1.
V21_UPDATED = "2013-07-23T11:33:21Z"


def _v21_summary(self_href):
    return {
        "id": V21_ID,
        "status": "CURRENT",
        "version": api_version_request.MAX_API_VERSION,
        "min_version": api_version_request.MIN_API_VERSION,
        "updated": V21_UPDATED,
        "links": [{"rel": "self", "href": self_href}],
    }


def build_version_list(root_url):
    """Return the body of GET / : every major version served.

    :param root_url: base URL of the endpoint root, without trailing slash
        (http://h:8774).
    :returns: {"versions": [{id, status, version, min_version, updated,
        links}]}. Only v2.1 is listed: the legacy /v2 endpoint is not served.
    """
    return {"versions": [_v21_summary(f"{root_url}/{V21_ID}/")]}


def build_version(api_url):
    """Return the body of GET /v2.1/ : the v2.1 version document.

    :param api_url: base URL of the v2.1 API without trailing slash
        (http://h:8774/v2.1).
    :returns: {"version": {id, status, version, min_version, updated, links
        (self + describedby), media-types}}.
    """
    version = _v21_summary(f"{api_url}/")
    version["links"].append({"rel": "describedby", "type": "text/html", "href": DOCS_URL})
    version["media-types"] = [{
        "base": "application/json",
        "type": "application/vnd.openstack.compute+json;version=2.1",
    }]
    return {"version": version}
