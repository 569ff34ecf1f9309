"""The athletes' kiosk: tap your name, log a set, never lose one."""
