"""A small thread-safe cache with a time to live, for rendered instance metadata.

Upstream caches what the metadata service builds for an instance for
[api] metadata_cache_expiration seconds, so the dozens of requests a guest
makes while it boots cost one database look-up. Entries live in this
process only; the oldest is dropped when the cache is full.
"""

import collections
import threading
import time


class TTLCache:
    """Map keys to values for ``ttl`` seconds, holding at most ``max_size`` entries.

    :param ttl: seconds an entry stays valid (float); 0 or less disables
        the cache (``get`` always misses, ``set`` stores nothing).
    :param max_size: entries kept at most; inserting past it evicts the
        entry inserted first.
    :param clock: function returning monotonic seconds (for tests).
    """

    def __init__(self, ttl, max_size=1024, clock=time.monotonic):
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._entries = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """Return the value cached for ``key``, or None when absent or expired."""
        if self.ttl <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires <= self._clock():
                del self._entries[key]
                return None
            return value

    def set(self, key, value):
        """Cache ``value`` for ``key`` for ``ttl`` seconds from now."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (self._clock() + self.ttl, value)
            while len(self._entries) > self.max_size:
                self._entries.popitem(last=False)

    def delete(self, key):
        """Forget ``key`` (no error when absent)."""
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self):
        with self._lock:
            return len(self._entries)
