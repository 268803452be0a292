"""Invoices: the Invoices tab and the view of one invoice."""
