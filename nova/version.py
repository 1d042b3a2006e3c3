"""Version strings reported by services, the API version document and logs."""

from importlib import metadata

try:
    version_string = metadata.version("nova")
except metadata.PackageNotFoundError:  # running from a tree that is not installed
    version_string = "0.0.0"

vendor_string = "nova (native threads)"
product_string = "OpenStack Compute"
