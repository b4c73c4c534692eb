"""Footprint: a social media incident logbook for a school's Designated Safeguarding Lead."""

__version__ = "0.1.0"
