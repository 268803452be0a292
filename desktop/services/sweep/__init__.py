"""The sweep and the ledger it writes (rules 15-20):
member states read from rows, day results written in bulk.
"""
