"""UN/CEFACT Cross Industry Invoice (D16B) of the facts (rule 28): the XML of Factur-X profile
EN 16931 and of XRechnung, which differ in the specification identifier (BT-24) and in what
XRechnung requires besides (the buyer reference and the seller's contact, checked in facts.py).

Elements are written in the order the XSD declares them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from desktop.documents.einvoice.facts import UNIT_CODE, XRECHNUNG, EInvoiceFacts, Party

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NAMESPACES = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
FACTURX_GUIDELINE = "urn:cen.eu:en16931:2017"
XRECHNUNG_GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _date(parent, tag: str, day: date, kind: str = "udt") -> None:
    _el(_el(parent, tag), f"{kind}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _amount(value: Decimal) -> str:
    return str(value)


def _party(parent, tag: str, party: Party, *, seller: bool) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    contact = party.contact
    if seller and (contact.name or contact.phone or contact.email):
        person = _el(node, "ram:DefinedTradeContact")
        if contact.name:
            _el(person, "ram:PersonName", contact.name)
        if contact.phone:
            _el(_el(person, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber",
                contact.phone)
        if contact.email:
            _el(_el(person, "ram:EmailURIUniversalCommunication"), "ram:URIID", contact.email)
    address = _el(node, "ram:PostalTradeAddress")
    for tag_name, value in (("ram:PostcodeCode", party.address.postcode),
                            ("ram:LineOne", party.address.street),
                            ("ram:LineTwo", party.address.line2),
                            ("ram:CityName", party.address.city)):
        if value:
            _el(address, tag_name, value)
    _el(address, "ram:CountryID", party.address.country)
    if party.email:  # BT-34 / BT-49, the electronic address
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.email, schemeID="EM")
    if party.tax_number:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.tax_number,
            schemeID="FC")
    if party.vat_id:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")


def cii_xml(facts: EInvoiceFacts, kind: str) -> bytes:
    """The CII document of the facts, UTF-8 with its declaration."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NAMESPACES)
    context = _el(root, "rsm:ExchangedDocumentContext")
    if kind == XRECHNUNG:
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
            PEPPOL_PROCESS)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
        XRECHNUNG_GUIDELINE if kind == XRECHNUNG else FACTURX_GUIDELINE)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", facts.number)
    _el(document, "ram:TypeCode", facts.type_code)
    _date(document, "ram:IssueDateTime", facts.issue_date)
    for note in facts.notes:
        _el(_el(document, "ram:IncludedNote"), "ram:Content", note)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in facts.lines:
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.number))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.name)
        _el(_el(_el(item, "ram:SpecifiedLineTradeAgreement"),
                "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _amount(line.price))
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
            str(line.quantity), unitCode=UNIT_CODE)
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", line.category)
        _el(tax, "ram:RateApplicablePercent", line.rate)
        if line.start is not None and line.end is not None and line.end >= line.start:
            period = _el(settlement, "ram:BillingSpecifiedPeriod")
            _date(period, "ram:StartDateTime", line.start)
            _date(period, "ram:EndDateTime", line.end)
        _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
            "ram:LineTotalAmount", _amount(line.net))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if facts.buyer_reference:
        _el(agreement, "ram:BuyerReference", facts.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", facts.seller, seller=True)
    _party(agreement, "ram:BuyerTradeParty", facts.buyer, seller=False)
    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if facts.delivery_date is not None:  # an empty element is a warning of the schematron
        _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime",
              facts.delivery_date)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    if facts.creditor_id:  # BT-90
        _el(settlement, "ram:CreditorReferenceID", facts.creditor_id)
    _el(settlement, "ram:PaymentReference", facts.number)
    _el(settlement, "ram:InvoiceCurrencyCode", facts.currency)
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _el(means, "ram:TypeCode", facts.payment_code)
    if facts.debtor_iban:  # BT-91
        _el(_el(means, "ram:PayerPartyDebtorFinancialAccount"), "ram:IBANID", facts.debtor_iban)
    if facts.iban:
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", facts.iban)
    for group in facts.groups:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(group.tax))
        _el(tax, "ram:TypeCode", "VAT")
        if group.reason:
            _el(tax, "ram:ExemptionReason", group.reason)
        _el(tax, "ram:BasisAmount", _amount(group.net))
        _el(tax, "ram:CategoryCode", group.category)
        if group.reason_code:
            _el(tax, "ram:ExemptionReasonCode", group.reason_code)
        _el(tax, "ram:RateApplicablePercent", group.rate)
    if facts.period is not None:
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", facts.period[0])
        _date(period, "ram:EndDateTime", facts.period[1])
    if facts.due_date is not None or facts.mandate:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if facts.due_date is not None:
            _date(terms, "ram:DueDateDateTime", facts.due_date)
        if facts.mandate:  # BT-89
            _el(terms, "ram:DirectDebitMandateID", facts.mandate)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(facts.line_total))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(facts.line_total))
    _el(totals, "ram:TaxTotalAmount", _amount(facts.tax_total), currencyID=facts.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(facts.grand_total))
    if facts.prepaid:
        _el(totals, "ram:TotalPrepaidAmount", _amount(facts.prepaid))
    _el(totals, "ram:DuePayableAmount", _amount(facts.payable))
    for number in facts.preceding:
        _el(_el(settlement, "ram:InvoiceReferencedDocument"), "ram:IssuerAssignedID", number)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
