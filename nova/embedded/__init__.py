"""The whole control plane in one process: nova-all and the functional tests.

``nova-all`` (``nova.cmd.all``) and the functional test harness
(``tests/fixtures/services.py``) compose the same pieces from here:

* ``cells``: sync the API, cell0 and cell1 databases and create the cell
  mappings that are missing (what ``nova-manage api_db sync``, ``cell_v2
  map_cell0``, ``cell_v2 create_cell`` and ``db sync`` do, as library calls);
* ``placement``: openstack-placement's WSGI app on its own database, served
  by cheroot in a thread of this process;
* ``control_plane``: ``ControlPlane``, which starts nova-conductor,
  nova-scheduler, any number of nova-compute services and the Compute API
  in this process on one message transport (``fake://`` by default), and
  stops them in the reverse order.

Nothing here forks: every service runs in native threads of the caller.
"""
