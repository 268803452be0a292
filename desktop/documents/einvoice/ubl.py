"""OASIS UBL 2.1 Invoice or CreditNote of the facts (rule 28), for Peppol access points.

Elements are written in the order the UBL 2.1 schemas declare them; a credit note has no
DueDate of its own and names its lines CreditNoteLine with a CreditedQuantity.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from desktop.documents.einvoice.facts import CREDIT_NOTE_CODE, UNIT_CODE, EInvoiceFacts, Party

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NAMESPACES = {"cac": CAC, "cbc": CBC}
CUSTOMIZATION = "urn:cen.eu:en16931:2017"


def _el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _party(parent, tag: str, party: Party, *, seller: bool, creditor_id: str = "") -> None:
    node = _el(_el(parent, tag), "cac:Party")
    if party.email:  # BT-34 / BT-49, the electronic address
        _el(node, "cbc:EndpointID", party.email, schemeID="EM")
    if seller and creditor_id:  # BT-90, the SEPA creditor identifier
        _el(_el(node, "cac:PartyIdentification"), "cbc:ID", creditor_id, schemeID="SEPA")
    address = _el(node, "cac:PostalAddress")
    for tag_name, value in (("cbc:StreetName", party.address.street),
                            ("cbc:AdditionalStreetName", party.address.line2),
                            ("cbc:CityName", party.address.city),
                            ("cbc:PostalZone", party.address.postcode)):
        if value:
            _el(address, tag_name, value)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", party.address.country)
    if party.vat_id:
        scheme = _el(node, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", party.vat_id)
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    if party.tax_number:
        scheme = _el(node, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", party.tax_number)
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "FC")
    _el(_el(node, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.name)
    contact = party.contact
    if seller and (contact.name or contact.phone or contact.email):
        person = _el(node, "cac:Contact")
        for tag_name, value in (("cbc:Name", contact.name), ("cbc:Telephone", contact.phone),
                                ("cbc:ElectronicMail", contact.email)):
            if value:
                _el(person, tag_name, value)


def ubl_xml(facts: EInvoiceFacts) -> bytes:
    """The UBL document of the facts, UTF-8 with its declaration."""
    credit = facts.type_code == CREDIT_NOTE_CODE
    root_ns = CREDIT_NOTE_NS if credit else INVOICE_NS
    nsmap: dict[str | None, str] = {None: root_ns, "cac": CAC, "cbc": CBC}
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap=nsmap)
    currency = facts.currency

    def money(parent, tag: str, value: Decimal) -> None:
        _el(parent, tag, str(value), currencyID=currency)

    _el(root, "cbc:CustomizationID", CUSTOMIZATION)
    _el(root, "cbc:ID", facts.number)
    _el(root, "cbc:IssueDate", facts.issue_date.isoformat())
    if not credit and facts.due_date is not None:
        _el(root, "cbc:DueDate", facts.due_date.isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", facts.type_code)
    for note in facts.notes:
        _el(root, "cbc:Note", note)
    _el(root, "cbc:DocumentCurrencyCode", currency)
    if facts.buyer_reference:
        _el(root, "cbc:BuyerReference", facts.buyer_reference)
    if facts.period is not None:
        period = _el(root, "cac:InvoicePeriod")
        _el(period, "cbc:StartDate", facts.period[0].isoformat())
        _el(period, "cbc:EndDate", facts.period[1].isoformat())
    for number in facts.preceding:
        _el(_el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference"), "cbc:ID",
            number)
    _party(root, "cac:AccountingSupplierParty", facts.seller, seller=True,
           creditor_id=facts.creditor_id)
    _party(root, "cac:AccountingCustomerParty", facts.buyer, seller=False)
    if facts.delivery_date is not None:
        _el(_el(root, "cac:Delivery"), "cbc:ActualDeliveryDate", facts.delivery_date.isoformat())
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", facts.payment_code)
    if credit and facts.due_date is not None:
        _el(means, "cbc:PaymentDueDate", facts.due_date.isoformat())
    _el(means, "cbc:PaymentID", facts.number)
    if facts.iban:
        _el(_el(means, "cac:PayeeFinancialAccount"), "cbc:ID", facts.iban)
    if facts.mandate:  # BT-89 and the account debited, BT-91
        mandate = _el(means, "cac:PaymentMandate")
        _el(mandate, "cbc:ID", facts.mandate)
        if facts.debtor_iban:
            _el(_el(mandate, "cac:PayerFinancialAccount"), "cbc:ID", facts.debtor_iban)
    total = _el(root, "cac:TaxTotal")
    money(total, "cbc:TaxAmount", facts.tax_total)
    for group in facts.groups:
        sub = _el(total, "cac:TaxSubtotal")
        money(sub, "cbc:TaxableAmount", group.net)
        money(sub, "cbc:TaxAmount", group.tax)
        category = _el(sub, "cac:TaxCategory")
        _el(category, "cbc:ID", group.category)
        _el(category, "cbc:Percent", group.rate)
        if group.reason_code:
            _el(category, "cbc:TaxExemptionReasonCode", group.reason_code)
        if group.reason:
            _el(category, "cbc:TaxExemptionReason", group.reason)
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    sums = _el(root, "cac:LegalMonetaryTotal")
    money(sums, "cbc:LineExtensionAmount", facts.line_total)
    money(sums, "cbc:TaxExclusiveAmount", facts.line_total)
    money(sums, "cbc:TaxInclusiveAmount", facts.grand_total)
    if facts.prepaid:
        money(sums, "cbc:PrepaidAmount", facts.prepaid)
    money(sums, "cbc:PayableAmount", facts.payable)
    for line in facts.lines:
        node = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        _el(node, "cbc:ID", str(line.number))
        _el(node, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            str(line.quantity), unitCode=UNIT_CODE)
        money(node, "cbc:LineExtensionAmount", line.net)
        if line.start is not None and line.end is not None and line.end >= line.start:
            period = _el(node, "cac:InvoicePeriod")
            _el(period, "cbc:StartDate", line.start.isoformat())
            _el(period, "cbc:EndDate", line.end.isoformat())
        item = _el(node, "cac:Item")
        _el(item, "cbc:Name", line.name)
        category = _el(item, "cac:ClassifiedTaxCategory")
        _el(category, "cbc:ID", line.category)
        _el(category, "cbc:Percent", line.rate)
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")
        money(_el(node, "cac:Price"), "cbc:PriceAmount", line.price)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
