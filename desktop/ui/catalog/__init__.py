"""The plans catalog: plans, add-ons, allowances, deposits, archive."""
