"""Commitment and notice (rule 25): the earliest cancellation date, its check, the fee."""
