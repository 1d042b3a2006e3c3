"""The filter base class, kept apart so filter modules do not import the registry."""


class BaseHostFilter:
    """Base of every filter; subclasses implement host_passes."""

    def host_passes(self, host_state, spec_obj):
        """Return True when ``host_state`` can take an instance of ``spec_obj``."""
        raise NotImplementedError()

    def filter_all(self, host_states, spec_obj):
        """Return the subset of ``host_states`` that pass, keeping their order."""
        return [host for host in host_states if self.host_passes(host, spec_obj)]
