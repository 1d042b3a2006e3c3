"""Clients of the Image service (Glance): glance.py holds the v2 client."""
