"""SEPA direct debit and bank statements (rule 30): mandates and the site's creditor settings
(`mandates.py`), collection runs writing pain.008 files (`collection.py`), camt.053 statements
read (`camt.py`) and imported (`statements.py`)."""
