"""Charges and what they use up (rule 27): pending charges billed on a member's next document."""
