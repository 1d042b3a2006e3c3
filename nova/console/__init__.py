"""The console proxy of nova-novncproxy (``websocketproxy``)."""
