"""Klair: turns long videos into short, ranked, ready-to-post clips."""

__version__ = "0.1.0"
