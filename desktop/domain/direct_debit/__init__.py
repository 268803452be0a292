"""SEPA direct debit and bank statements (rule 30 in docs/billing-rules.md): the mandate's
rules (`mandates.py`) and how a statement's entry finds the documents it pays
(`matching.py`). Pure rules, like the rest of the domain; python-stdnum is imported where a
number is checked."""
