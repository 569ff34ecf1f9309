"""The coach's phone as the remote: a small web page and API served on the
gym's network by a station (aiohttp on its own thread; no Qt here)."""
