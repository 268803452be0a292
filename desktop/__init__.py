"""Frontdesk: contracts and billing for a coworking space's front desk."""

__version__ = "0.1.0"
