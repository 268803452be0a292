"""`frontdesk charges add` (rule 27; docs/exchange-format.md): a charge for a member, pending
until their next document. Registered by desktop/cli.py, which reads the clock and passes it.

Two forms: `charges add EMAIL PRODUCT QUANTITY [--date D]` charges a catalogue product at its
price; `charges add EMAIL --amount N --description TEXT [--tax-category C] [--date D]` a
described amount in minor units. Bad input is one sentence and exit 2, nothing written.
"""

from __future__ import annotations

EXIT_OK = 0


def add_charge_commands(commands, database, day) -> None:
    """Add `charges add` to the parser's subcommands; `day` reads YYYY-MM-DD."""
    charges = commands.add_parser("charges", parents=[database],
                                  help="record a charge for a member's next invoice")
    how = charges.add_subparsers(dest="action", metavar="ACTION", required=True,
                                 parser_class=charges.__class__)
    add = how.add_parser(
        "add", parents=[database],
        help="a catalogue product: EMAIL PRODUCT QUANTITY; or a described amount: EMAIL "
             "--amount N --description TEXT [--tax-category C]; billed on the member's next "
             "invoice after what their allowances cover")
    add.add_argument("member", metavar="EMAIL")
    add.add_argument("product", metavar="PRODUCT", nargs="?")
    add.add_argument("quantity", metavar="QUANTITY", nargs="?")
    add.add_argument("--amount", metavar="N", help="minor units (cents), above zero")
    add.add_argument("--description", metavar="TEXT", help="what the amount is for")
    add.add_argument("--tax-category", dest="tax_category", metavar="C", default="standard",
                     help="standard, reduced, zero or exempt (default standard)")
    add.add_argument("--date", type=day, metavar="YYYY-MM-DD", help="default: today")


def _whole(text: str, what: str, bad_input) -> int:
    if len(text) <= 30:  # longer is no quantity or amount worth reading
        try:
            return int(text)
        except ValueError:
            pass
    shown = text if len(text) <= 30 else text[:30] + "…"
    raise bad_input(f'"{shown}" is not a whole number for the {what}.')


def run(args, target, clock, open_database, bad_input) -> int:
    """Record the charge and say what was recorded."""
    from desktop.cli_documents import _member_id, db_settings
    from desktop.i18n.formatting import Formatter
    from desktop.services.charges import ChargeService
    from desktop.services.errors import NotFound, ValidationError

    if args.amount is None:
        if args.product is None or args.quantity is None or args.description is not None:
            raise bad_input("Give a product and a quantity (charges add EMAIL PRODUCT "
                            "QUANTITY), or --amount and --description.")
        options = dict(product=args.product,
                       quantity=_whole(args.quantity, "quantity", bad_input))
    else:
        if args.product is not None or args.description is None:
            raise bad_input("With --amount, give --description and no product: charges add "
                            "EMAIL --amount N --description TEXT.")
        options = dict(amount=_whole(args.amount, "amount", bad_input),
                       description=args.description, tax_category=args.tax_category)
    with open_database(target, clock) as db:
        member_id = _member_id(db, args.member, bad_input)
        service = ChargeService(db, clock)
        try:
            changes = service.add(member_id, day=args.date, **options)
        except (ValidationError, NotFound) as exc:
            raise bad_input(f"{str(exc).rstrip('.')}; nothing was written.") from None
        site = db_settings(db, clock)
        record = next(r for r in service.of_member(member_id) if r.id == changes.id)
    money = Formatter(site.locale, site.currency).money
    quantity = f" × {record.quantity}" if record.product is not None else ""
    print(f"Recorded {record.description}{quantity} ({money(record.amount)}) for "
          f"{args.member} on {record.day.isoformat()}; it goes on their next invoice.")
    return EXIT_OK
