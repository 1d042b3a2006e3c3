"""Built-in networking: the network service and the compute host side."""
