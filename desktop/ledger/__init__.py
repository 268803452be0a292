"""The ledger: billing persistence, between the services and storage (docs/architecture.md).

Reading member states and contracts as domain values (`member_states`), the contracts table's
columns named once (`contract_columns`), writing contracts (`contracts`), a day's results in
bulk (`day_writes`, `bulk_rows`) and applying a member's due days (`applier`), invoice numbers
(`numbering`), the audit rows and their labels (`audit`), and the row <-> domain mapping of
invoices and stored wordings (`mapping`). The sweep, the contract editor, the change-plan
assistant, import and export all read and write billing rows through here, in the caller's
session: the services own the transactions. It imports storage and domain only; its errors
live in `errors`.
"""
