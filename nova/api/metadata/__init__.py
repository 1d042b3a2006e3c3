"""The metadata service guests query at 169.254.169.254 (nova-api-metadata).

Two layouts of the same per-instance facts, as upstream serves them:
``/openstack/<version>/...`` (JSON documents) and the EC2-compatible
``/<version>/meta-data/...`` tree. ``handler.MetadataApp`` is the WSGI app;
``instance_data.InstanceMetadata`` renders one instance; ``source`` finds
the instance behind a request.
"""
