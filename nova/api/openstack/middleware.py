"""Base class for the API's PasteDeploy filters."""


class Middleware:
    """A WSGI filter around ``application``.

    Subclasses implement ``__call__(environ, start_response)``. PasteDeploy
    builds them with ``paste.filter_factory = <module>:<Class>.factory``;
    keyword options from the ini section arrive as ``local_conf``.
    """

    def __init__(self, application, **local_conf):
        self.application = application
        self.local_conf = local_conf

    @classmethod
    def factory(cls, global_conf, **local_conf):
        """PasteDeploy filter factory: returns ``app -> cls(app, **local_conf)``."""
        def _filter(app):
            return cls(app, **local_conf)
        return _filter
