"""The frontdesk/2 document (docs/exchange-format.md): values read with their place, sections
checked, export and import.

`frontdesk export` writes frontdesk/2; `frontdesk import` reads frontdesk/2 and the older
frontdesk/1. A move from a file to a server (export, import into an empty database) keeps
everything the database holds, so the second database exports the same document, byte for byte.
What frontdesk/2 adds to frontdesk/1, by section:

- `settings.operator`: the operator's name the audit writes as "who" (rule 20).
- `members[].archived`; `contracts[].notes`.
- `settings.reduced_tax_rate`, `exemption_reason`, `credit_note_prefix`, `deposit_prefix`;
  `plans[].tax_category` (rule 17).
- `documents` in place of `invoices` (documents.py; rules 15, 17, 18): each with its `type`,
  `billing_date`, `issue_date`, `due_date`, `tax` as groups of (category, rate, net, tax),
  `credits`, `language` (the locale it was issued in); each line's `tax_category` and `rate`,
  `days` and `period_days` (how it was prorated) and `params` (its wording's raw parameters,
  issue 10; left out, as in a frontdesk/1 document, they are read back from the English
  description).
- `payments[]` name their member and list their `allocations` (`document`, `amount`) instead of
  one invoice, with `recorded_at`; `credit_allocations` (`document`, `date`, `amount`) are what
  the credit balance paid (allocations.py; rules 21, 22). A frontdesk/1 document's invoices and
  payments are converted as migration 0008 converts a database (legacy.py).
- `history` (`at`, `who`, `entity`, `entity_id`, `member`, `contract`, `field`, `old`, `new`),
  `applied_transitions` (`contract`, `kind`, `date`, `applied_at`, `description`, `params`),
  `plan_changes` (`contract`, `date`, `old_plan`, `new_plan`, `old_price`, `new_price`,
  `quantity`, `upgrade`, `at`) and `sweep_runs` (`ran_at`, `as_of`, `applied`,
  `invoices_issued`, `failed`). Times are ISO 8601 without a zone. They name what they concern
  as the document does (a member by e-mail, a contract by id, a plan by name, a payment by its
  position in `payments`), or by number when it was deleted since (exchange/history.py).

Not carried, because a move has no use for them: database ids (references stand for them), a
contract's `version` (the edit guard starts again at 1) and `next_event_date` (follows from its
dates), a payment's `token` (it guards one press of Record on one desk), the members' search
index (made again when the window opens).

Open for what later rounds add (docs/exchange-format.md lists them: mandates, discounts,
charges, smtp, reminders …): a field a version
adds is passed to `Reader.record` as `added` (known from that version on, its default filled in for
older documents), a section to document.py's `_ADDED_SECTIONS`, and the version to
`export.FORMATS`; an older document keeps importing with the defaults, and a field unknown to
its own version is refused with its place, never ignored.
"""
