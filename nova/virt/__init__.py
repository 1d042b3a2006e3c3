"""Hypervisor drivers: the ComputeDriver contract and its implementations."""
