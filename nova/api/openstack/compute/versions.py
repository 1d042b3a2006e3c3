"""Version discovery: GET / lists major versions, GET /v2.1/ describes v2.1.

Neither needs authentication or policy: clients (keystoneauth, openstacksdk)
read them to negotiate the microversion before they hold a token.
"""

from nova.api.openstack import common
from nova.api.openstack.compute.views import versions as versions_view


def index(req):
    """GET / : 200 {"versions": [...]} (api-ref "List All Major Versions")."""
    return versions_view.build_version_list(common.application_url(req))


def show(req):
    """GET /v2.1/ : 200 {"version": {...}} (api-ref "Show Details Of Specific API Version")."""
    return versions_view.build_version(common.application_url(req))
