"""The sweep and the ledger it writes: member states read from rows, day results written in bulk (rules 15-20)."""
