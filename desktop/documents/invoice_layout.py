"""A document's layout (docs/design.md#vocabulary "Invoice document"; rules 15, 17, 18) as one
QTextDocument.

The same document is shown in the document view, printed and written to PDF, so the figures on
paper are the figures on screen. Labels are in the site's language and amounts and dates in the
site's locale (the document is the site's, whatever language the operator's interface speaks).

Every type prints its own title: an invoice, a credit note (its amounts as credited, naming
the invoices it credits, without a payment block), a deposit request (outside VAT, with its
own payment code quoting its own number) and a deposit return. Each line prints its rate
("outside VAT" for a deposit), and the tax is broken down per (category, rate) group, an
exempt group with the site's exemption reason, a reverse-charge group with its legal note
(rule 17). The billing date is printed when the document was made later than it (rule 18).
"""

from __future__ import annotations

import functools
import logging
from decimal import Decimal
from html import escape

import segno.helpers
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QTextDocument, QTextFormat, QTextTable
from stdnum import iban as stdnum_iban

from desktop.documents.printable import printable_in
from desktop.domain.accounts import CREDITING
from desktop.domain.model import (
    CREDIT_NOTE,
    DEPOSIT_REQUEST,
    DEPOSIT_RETURN,
    EXEMPT,
    REVERSE_CHARGE,
    Invoice,
    Line,
    TaxGroup,
)
from desktop.domain.money import to_major
from desktop.domain.payments import CREDITED, OVERDUE, PAID, PARTLY_PAID, UNPAID
from desktop.i18n.formatting import Formatter
from desktop.i18n.messages import wording_text
from desktop.i18n.translations import load, parse_locale
from desktop.services.documents import InvoiceDocument

_log = logging.getLogger(__name__)
QR_URL, LOGO_URL = "frontdesk-epc-qr", "frontdesk-logo"
# Marks the payment block's table (a format property: an anchor in the heading would split
# its text in two in a PDF), kept on one page by paper.paint.
PAYMENT_BLOCK = QTextFormat.Property.UserProperty.value + 1
EPC_MAX_CENTS = 99_999_999_999  # the EPC code carries at most 999,999,999.99 EUR
QR_SIZE, LOGO_HEIGHT = 112, 56  # in the document's pixels (1/96 inch)

_STYLE = """
body { font-size: 9.5pt; color: #1d2125; }
h1 { font-size: 18pt; font-weight: 600; margin: 0; }
.muted { color: #5f6b76; }
.site { font-size: 12pt; font-weight: 600; }
th { text-align: left; font-weight: 600; color: #5f6b76; border-bottom: 1px solid #9aa4ad; }
td.amount, th.amount { text-align: right; }
.lines td { border-bottom: 1px solid #dde1e5; }
.strong { font-weight: 600; }
"""


def status_text(status: str, gettext) -> str:
    """A payment status in words, through the given gettext."""
    _ = gettext
    return {UNPAID: _("Unpaid"), PARTLY_PAID: _("Partly paid"), PAID: _("Paid"),
            OVERDUE: _("Overdue"), CREDITED: _("Credited")}.get(status, status)


def type_title(kind: str, gettext) -> str:
    """A document type as its title (rules 15, 17), through the given gettext."""
    _ = gettext
    return {CREDIT_NOTE: _("Credit note"), DEPOSIT_REQUEST: _("Deposit request"),
            DEPOSIT_RETURN: _("Deposit return")}.get(kind, _("Invoice"))


def number_label(kind: str, gettext) -> str:
    _ = gettext
    return {CREDIT_NOTE: _("Credit note number"), DEPOSIT_REQUEST: _("Deposit request number"),
            DEPOSIT_RETURN: _("Deposit return number")}.get(kind, _("Invoice number"))


def rate_label(line: Line, formatter: Formatter, gettext) -> str:
    """A line's rate (rule 17): "20%", or "outside VAT" for a deposit (rule 15); nothing for
    a line that kept no rate."""
    if line.tax_category is None:
        return gettext("outside VAT")
    return "" if line.rate is None else formatter.percent(line.rate)


def group_caption(group: TaxGroup, net: str, formatter: Formatter, gettext) -> str:
    """One group of the tax breakdown (rule 17): its category, rate and net amount."""
    _ = gettext
    if group.category == EXEMPT:
        return _("Exempt from VAT on {net}").format(net=net)
    if group.category == REVERSE_CHARGE:
        return _("Reverse charge on {net}").format(net=net)
    return _("VAT {rate} on {net}").format(rate=formatter.percent(group.rate), net=net)


def service_period(invoice: Invoice):
    """The first and the day after the last day the lines' periods cover, or None."""
    periods = [(line.period_start, line.period_end) for line in invoice.lines
               if line.period_start is not None and line.period_end is not None]
    if not periods:
        return None
    return min(start for start, _end in periods), max(end for _start, end in periods)


def line_text(line: Line, formatter: Formatter, gettext) -> str:
    """A line's description in the invoice's language (issue 10): the billing core's wording
    (rules 6, 15: kind + raw plan names) through the given gettext; a plan's or an add-on's
    name, and a line that has no wording, as written."""
    return wording_text(line.wording, line.description, formatter, gettext)


def epc_payload_wanted(doc: InvoiceDocument) -> bool:
    """An EPC payment code is printed for a EUR invoice or deposit request (each its own, with
    its own number) of a site with a name and an IBAN, while something is left to pay; never
    for a credit note or a deposit return, which nobody pays."""
    site = doc.site
    return (site.currency == "EUR" and bool(site.iban.strip()) and bool(site.site_name.strip())
            and doc.invoice.type not in CREDITING and doc.direct_debit is None
            and 0 < doc.standing.outstanding <= EPC_MAX_CENTS)


def epc_qr_image(doc: InvoiceDocument) -> QImage:
    """The EPC (SEPA credit transfer) QR code for what is left to pay (segno), as a black and
    white image of four pixels a module with a quiet zone of two modules; ValueError when
    segno refuses the payment's data."""
    amount = to_major(doc.standing.outstanding, "EUR")
    return _epc_qr(doc.site.site_name.strip()[:70], stdnum_iban.compact(doc.site.iban),
                   Decimal(amount), (doc.invoice.number or "")[:140])


@functools.lru_cache(maxsize=256)
def _epc_qr(name: str, iban: str, amount: Decimal, text: str) -> QImage:
    """The code of one payload, made once: the view, Print… and Save PDF… of one invoice show
    the same code, and choosing its mask is most of segno's time. The image is made at its
    printed size straight from the modules, not scaled up from one pixel a module."""
    code = segno.helpers.make_epc_qr(name=name, iban=iban, amount=amount, text=text)
    border, scale = 2, 4
    dark, light = bytes(scale), b"\xff" * scale  # one module's pixels in a row, black or white
    quiet = light * border
    rows = [quiet + b"".join(dark if module else light for module in row) + quiet
            for row in code.matrix]
    size = (len(code.matrix) + 2 * border) * scale
    margin = [b"\xff" * size] * border
    data = b"".join(line * scale for line in margin + rows + margin)
    # The Mono image is a copy, independent of `data`.
    return QImage(data, size, size, size, QImage.Format.Format_Grayscale8).convertToFormat(
        QImage.Format.Format_Mono)


def _lines(text: str, printed) -> str:
    return "<br>".join(printed(part) for part in text.splitlines() if part.strip())


def printed_address(postal, free_text: str, formatter: Formatter) -> str:
    """The address as the document prints it (rule 28): its parts when it has them, the
    country by name in the document's language; else the free text as it was typed."""
    if postal is None or postal.empty:
        return free_text
    country = formatter.locale.territories.get(postal.country, postal.country)
    place = " ".join(part for part in (postal.postcode, postal.city) if part)
    return "\n".join(part for part in (postal.street, postal.line2, place, country) if part)


def issued_formatter(doc: InvoiceDocument, formatter: Formatter) -> Formatter:
    """The formatter of the locale the invoice was issued in (same currency)."""
    issued = getattr(doc, "language", "") or str(formatter.locale)
    # The reader's formatter only when it also speaks the invoice's language: a German user on
    # an en_IE site reads an English invoice, "15 of 30 days" included.
    if issued == str(formatter.locale) and formatter.language == parse_locale(issued).language:
        return formatter
    try:
        return Formatter(issued, formatter.currency)
    except ValueError:
        return formatter


def invoice_html(doc: InvoiceDocument, formatter: Formatter, *, with_qr: bool,
                 with_logo: bool) -> str:
    """The document as Qt rich text; images are referred to by QR_URL and LOGO_URL.

    An issued invoice prints in the site's locale of its issue (issue 10): its words, dates and
    amounts stay as issued when the site's locale changes later.
    """
    formatter = issued_formatter(doc, formatter)
    _ = load(str(formatter.locale)).gettext
    # Every text goes through `t`: escaped for Qt's rich text, without bidi controls, and with
    # what no installed font can draw replaced (printable.py), names and numbers as much as
    # the labels and the formatted amounts.
    printable = printable_in(QGuiApplication.font())

    def t(text: str) -> str:
        return escape(printable.text(text))

    f, invoice, site, bill, standing = (formatter, doc.invoice, doc.site, doc.bill_to,
                                        doc.standing)
    crediting = invoice.type in CREDITING
    # A credit note prints what it credits as positive amounts (rule 17): "credited €300.00",
    # never a total of -€300.00 that reads as a debt.
    sign = -1 if crediting else 1
    number = t(invoice.number or "")
    logo = f'<img src="{LOGO_URL}" height="{LOGO_HEIGHT}"><br>' if with_logo else ""
    site_block = "".join([
        logo, f'<span class="site">{t(site.site_name)}</span><br>' if site.site_name else "",
        _lines(printed_address(doc.site_address, site.address, f), t),
        "<br>" + t(_("VAT id {vat_id}").format(vat_id=site.vat_id)) if site.vat_id else ""])
    facts = [(number_label(invoice.type, _), number),
             (_("Issue date"), t(f.date(invoice.issue_date)))]
    # Rule 18: the date it belongs to, when it was made later (a catch-up, a late entry).
    if invoice.billing_date is not None and invoice.billing_date != invoice.issue_date:
        facts.append((_("Billing date"), t(f.date(invoice.billing_date))))
    if (served := service_period(invoice)) is not None:
        facts.append((_("Service period"), t(f.period(*served))))
    if not crediting:  # nothing is due on a credit note or a deposit return
        facts.append((_("Due date"), t(f.date(standing.due_date))))
    facts.append((_("Status"), t(status_text(standing.status, _))))
    if invoice.credits:
        facts.append((_("Credited invoices"), t(", ".join(invoice.credits))))
    facts_rows = "".join(f'<tr><td class="muted">{t(k)}</td><td class="amount">{v}</td></tr>'
                         for k, v in facts)
    bill_block = "<br>".join(filter(None, [
        f'<span class="strong">{t(bill.name)}</span>', t(bill.company),
        _lines(printed_address(bill.postal, bill.address, f), t),
        t(bill.email),
        t(_("VAT id {vat_id}").format(vat_id=bill.vat_id)) if bill.vat_id else ""]))
    line_rows = []
    for line in invoice.lines:
        period = t(f.period(line.period_start, line.period_end)) \
            if line.period_start and line.period_end else ""
        proration = t(f.days_of(line.days, line.period_days)) \
            if line.days is not None and line.period_days else ""
        described = t(line_text(line, f, _))
        rate = t(rate_label(line, f, _))
        line_rows.append(f"<tr><td>{described}</td><td>{period}</td>"
                         f'<td>{proration}</td><td class="amount">{rate}</td>'
                         f'<td class="amount">{t(f.money(sign * line.amount))}</td></tr>')
    if not line_rows:
        no_lines = t(_("No lines."))
        line_rows.append(f'<tr><td colspan="5" class="muted">{no_lines}</td></tr>')
    totals_rows = "".join(
        f'<tr><td class="{"strong" if bold else "muted"}">{t(caption)}</td>'
        f'<td class="amount{" strong" if bold else ""}">{t(f.money(amount))}</td></tr>'
        for caption, amount, bold in _totals(doc, f, _, sign))
    notes = "".join(f'<p class="muted" style="margin-top: 6px">{t(note)}</p>'
                    for note in _tax_notes(doc, _))
    pay = ""
    if (debit := doc.direct_debit) is not None:  # rule 30's pre-notification
        pay = t(_("We will collect {amount} by SEPA direct debit on {date} from IBAN {iban}, "
                  "mandate {mandate}, creditor identifier {creditor}.").format(
            amount=f.money(debit.amount), date=f.date(debit.day), iban=debit.iban,
            mandate=debit.mandate, creditor=debit.creditor_id))
    elif transfer_wanted(doc):
        pay = t(_("Please transfer {amount} to IBAN {iban} by {date}, quoting "
                  "{number}.").format(amount=f.money(standing.outstanding), iban=site.iban,
                                      date=f.date(standing.due_date),
                                      number=invoice.number or ""))
    # Babel reads no calls inside f-strings (before Python 3.12): the labels are made here.
    heading, bill_to, paying = t(type_title(invoice.type, _)), t(_("Bill to")), t(_("Payment"))
    columns = [t(_("Description")), t(_("Period")), t(_("Proration")), t(_("VAT rate")),
               t(_("Credited") if crediting else _("Amount"))]
    return f"""<html><head><style>{_STYLE}</style></head><body>
<table width="100%" cellspacing="0" cellpadding="0"><tr>
<td valign="top">{site_block}</td>
<td valign="top" align="right"><h1>{heading}</h1>
<table cellspacing="0" cellpadding="2">{facts_rows}</table></td></tr></table>
<p class="muted" style="margin-top: 18px; margin-bottom: 2px">{bill_to}</p>
<p style="margin-top: 0">{bill_block}</p>
<table class="lines" width="100%" cellspacing="0" cellpadding="5" style="margin-top: 12px">
<tr><th>{columns[0]}</th><th>{columns[1]}</th>
<th>{columns[2]}</th><th class="amount">{columns[3]}</th><th class="amount">{columns[4]}</th></tr>
{"".join(line_rows)}</table>
<table width="100%" cellspacing="0" cellpadding="0" style="margin-top: 12px"><tr>
<td width="55%"></td><td><table width="100%" cellspacing="0" cellpadding="3">{totals_rows}
</table></td></tr></table>
{notes}
{payment_block(pay, paying, with_qr)}
</body></html>"""


def _totals(doc: InvoiceDocument, f: Formatter, gettext, sign: int) -> list[tuple]:
    """The totals (caption, amount, bold): the subtotal, the tax of each group (rule 17), the
    total; then, for what is paid, the credit applied, the amount due and what was paid."""
    _ = gettext
    invoice, standing = doc.invoice, doc.standing
    rows: list[tuple] = []
    if invoice.tax_groups:
        rows.append((_("Subtotal"), sign * invoice.subtotal, False))
        rows += [(group_caption(group, f.money(sign * group.net), f, _), sign * group.tax, False)
                 for group in invoice.tax_groups]
    elif invoice.tax:  # a document whose lines kept no rate: its tax as issued
        rows += [(_("Subtotal"), invoice.subtotal, False), (_("Tax"), invoice.tax, False)]
    if invoice.type in CREDITING:
        rows.append((_("Total credited"), sign * invoice.total, True))
        return rows
    rows.append((_("Total"), invoice.total, True))
    if invoice.credit_applied:
        rows.append((_("Credit applied"), -invoice.credit_applied, False))
    rows.append((_("Amount due"), invoice.amount_due, True))
    if standing.paid:
        rows.append((_("Paid"), -standing.paid, False))
        rows.append((_("Left to pay"), standing.outstanding, True))
    return rows


def _tax_notes(doc: InvoiceDocument, gettext) -> list[str]:
    """What the tax groups require printed (rule 17): the site's reason under an exempt group,
    the legal note under a reverse-charge group; a deposit document says it is outside VAT."""
    _ = gettext
    categories = {group.category for group in doc.invoice.tax_groups}
    notes = []
    if EXEMPT in categories and doc.exemption_reason.strip():
        notes.append(_("Exempt from VAT: {reason}").format(reason=doc.exemption_reason.strip()))
    if REVERSE_CHARGE in categories:
        notes.append(_("Reverse charge: VAT to be accounted for by the recipient."))
    if doc.invoice.type in (DEPOSIT_REQUEST, DEPOSIT_RETURN):
        notes.append(_("A deposit is held against the member's obligations and refunded; it is "
                       "outside the scope of VAT."))
    return notes


def transfer_wanted(doc: InvoiceDocument) -> bool:
    """The transfer sentence is printed when the site has an IBAN and something is left to
    pay (always so when the EPC code is printed); never on a credit note or a deposit
    return."""
    return (bool(doc.site.iban.strip()) and doc.invoice.type not in CREDITING
            and doc.standing.outstanding > 0)


def payment_block(instructions: str, heading: str, with_qr: bool) -> str:
    """How to pay (the transfer sentence and the EPC code) under its heading, as one table,
    the document's last, that paper.paint keeps on one page: a QR code never sits on a page
    of its own."""
    if not instructions and not with_qr:
        return ""
    qr = (f'<td width="{QR_SIZE + 8}" align="right"><img src="{QR_URL}" width="{QR_SIZE}" '
          f'height="{QR_SIZE}"></td>') if with_qr else ""
    return f"""<table width="100%" cellspacing="0" cellpadding="0" style="margin-top: 24px">
<tr><td colspan="{2 if with_qr else 1}" class="muted" style="padding-bottom: 2px">\
{heading}</td></tr>
<tr><td valign="bottom">{instructions}</td>{qr}</tr></table>"""


def _blocks(text: QTextDocument, first: int, last: int):
    block = text.findBlock(first)
    while block.isValid() and block.position() <= last:
        yield block
        block = block.next()


def payment_table(text: QTextDocument) -> QTextTable | None:
    """The table of the payment block, by the property invoice_document gave it."""
    for frame in text.rootFrame().childFrames():
        if isinstance(frame, QTextTable) and frame.format().boolProperty(PAYMENT_BLOCK):
            return frame
    return None


def keep_payment_together(text: QTextDocument) -> None:
    """With the document laid out in pages (its page size set): when the payment block would
    run over a page break, it starts the next page, heading, sentence and QR code together."""
    table = payment_table(text)
    height = text.pageSize().height()
    if table is None or height <= 0:
        return
    layout = text.documentLayout()
    rects = [layout.blockBoundingRect(block)
             for block in _blocks(text, table.firstPosition(), table.lastPosition())]
    top, bottom = min(r.top() for r in rects), max(r.bottom() for r in rects)
    if int(top // height) != int((bottom - 0.5) // height):
        table_format = table.format()
        table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        table.setFormat(table_format)


def invoice_document(doc: InvoiceDocument, formatter: Formatter) -> QTextDocument:
    """The invoice laid out as a QTextDocument, with its QR code and logo as resources."""
    text = QTextDocument()
    text.setDocumentMargin(0)
    code = None
    if epc_payload_wanted(doc):
        try:
            code = epc_qr_image(doc)
        except ValueError:  # a name segno cannot encode: the transfer line says it in words
            _log.warning("no EPC code for invoice %s", doc.invoice.number, exc_info=True)
    with_qr = code is not None
    logo = QImage.fromData(doc.site.logo) if doc.site.logo else QImage()
    if with_qr:
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_URL), code)
    if not logo.isNull():
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(LOGO_URL), logo)
    text.setHtml(invoice_html(doc, formatter, with_qr=with_qr, with_logo=not logo.isNull()))
    if with_qr or transfer_wanted(doc):  # payment_block made the last table
        table = text.rootFrame().childFrames()[-1]
        table_format = table.format()
        table_format.setProperty(PAYMENT_BLOCK, True)
        table.setFormat(table_format)
    text.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle,
                            f"{doc.invoice.number or ''}")
    return text


def png_of(image: QImage) -> bytes:
    """An image as PNG bytes (the logo chosen in Preferences is kept this way)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs type the format as bytes; the binding refuses bytes and takes a str.
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())
