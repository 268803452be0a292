"""SEPA direct debit and bank statements in the window (rule 30): Tools → Direct debit… (the
run's preview and its file), importing a statement (File → Import bank statement…, or dropping
it on the window), the entries waiting for the operator, and the Direct debit page of
Preferences."""
