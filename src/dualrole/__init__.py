"""dualrole: marketing and sales, kept apart, reviewed weekly."""

__version__ = "0.1.0"
