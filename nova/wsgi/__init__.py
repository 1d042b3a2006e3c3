"""Modules exposing ``application`` for WSGI servers (uwsgi, mod_wsgi)."""
