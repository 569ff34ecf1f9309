"""The session screen on the gym TV."""
