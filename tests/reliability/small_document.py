"""A small valid frontdesk/1 document: two plans, two members, a contract with an add-on, one
invoice. The reliability tests mutate it."""

from __future__ import annotations

SMALL = {
    "format": "frontdesk/1",
    "settings": {"currency": "EUR", "locale": "en_IE", "tax_rate": "23", "billing_day": None,
                 "site_name": "", "address": "", "vat_id": "", "iban": "", "invoice_prefix": "INV-",
                 "payment_terms": 14},
    "plans": [
        {"name": "Hot desk", "kind": "plan", "price": 19500, "frequency": "1 month", "deposit": 0,
         "group": "Desks", "archived": False, "allowances": {"Printing pages": 100},
         "addons": ["Locker"]},
        {"name": "Locker", "kind": "addon", "price": 2500, "frequency": "1 month", "deposit": 0,
         "group": None, "archived": False, "allowances": {}, "addons": []},
    ],
    "members": [
        {"email": "ada@example.org", "name": "Ada Lovelace", "company": "Engines", "phone": "",
         "notes": "", "credit_balance": 0, "deposit_held": 0, "billing_address": "", "vat_id": ""},
        {"email": "grace@example.org", "name": "Grace Hopper", "company": "", "phone": "",
         "notes": "", "credit_balance": 0, "deposit_held": 0, "billing_address": "", "vat_id": ""},
    ],
    "contracts": [
        {"id": "1", "member": "ada@example.org", "plan": "Hot desk", "next_plan": "Hot desk",
         "custom_price": None, "quantity": 1, "start_date": "2024-07-01",
         "billing_anchor": "2024-07-01", "next_invoice_date": "2024-08-01",
         "cancellation_date": None, "prorate_last_invoice": True, "prorate_first_invoice": True,
         "predecessor": None, "status": "active",
         "addons": [{"name": "Locker", "quantity": 1, "start_date": "2024-07-01"}]},
    ],
    "invoices": [
        {"number": "INV-000001", "member": "ada@example.org", "issue_date": "2024-07-01",
         "subtotal": 22000, "tax": 5060, "total": 27060, "credit_applied": 0,
         "amount_due": 27060, "lines": [
             {"kind": "plan", "description": "Hot desk", "contract": "1",
              "period_start": "2024-07-01", "period_end": "2024-08-01", "amount": 19500},
             {"kind": "addon", "description": "Locker", "contract": "1",
              "period_start": "2024-07-01", "period_end": "2024-08-01", "amount": 2500}]},
    ],
    "payments": [],
}
