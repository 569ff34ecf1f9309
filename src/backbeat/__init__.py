"""Backbeat: session timer and cueing station for tempo-driven back classes."""

__version__ = "0.1.0"
