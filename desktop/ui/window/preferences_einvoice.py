"""The E-invoices tab of Preferences (rule 28): the site's address in its parts (ISO country
code), the contact an XRechnung names and the tax number, beside the VAT id of the Invoices tab.
Added to PreferencesDialog with a few lines; its fields are SiteSettings' own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from desktop.domain.addresses import country_problem
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.settings import SiteSettings
from desktop.ui.common.forms import field_box
from desktop.ui.common.widgets import ErrorLabel

FIELDS = ("street", "line2", "postcode", "city", "country", "contact_name", "contact_phone",
          "contact_email", "tax_number")


class EInvoiceTab(QWidget):
    """The site's e-invoice data; `values()` is what SiteSettings takes of it."""

    def __init__(self, current: SiteSettings, problems: Any,
                 edited: Callable[[str], None]) -> None:
        super().__init__(objectName="einvoicePreferences")
        self.edits = {field: QLineEdit(getattr(current, field), objectName=f"{field}Edit")
                      for field in FIELDS}
        self.edits["country"].setMaxLength(2)
        self.edits["country"].setMaximumWidth(60)
        self.edits["postcode"].setMaximumWidth(140)
        self.edits["country"].setPlaceholderText("DE")
        self.edits["tax_number"].setPlaceholderText(_("Where the site has no VAT id"))
        captions = {"street": _("Street and n&umber"), "line2": _("Address line &2"),
                    "postcode": _("Pos&tcode"), "city": _("Cit&y"),
                    "country": _("Country co&de"), "contact_name": _("Contact &name"),
                    "contact_phone": _("Contact p&hone"), "contact_email": _("Contact e-&mail"),
                    "tax_number": _("Ta&x number")}
        hints = {"country": _("Two letters (ISO 3166), e.g. DE, FR, BE."),
                 "contact_name": _("XRechnung names the seller's contact: a person or the "
                                   "desk, a phone number and an e-mail address.")}
        form = QFormLayout(self)
        form.setVerticalSpacing(8)
        intro = QLabel(_("E-invoices (Factur-X, XRechnung, UBL) need the site's address in its "
                         "parts and its VAT id or tax number."))
        intro.setWordWrap(True)
        form.addRow(intro)
        for field, edit in self.edits.items():
            error = ErrorLabel()
            text = QLabel(captions[field])
            text.setBuddy(edit)
            edit.setAccessibleName(captions[field].replace("&", ""))
            form.addRow(text, field_box(edit, error=error, hint=hints.get(field, ""),
                                        stretch=field in ("country", "postcode")))
            problems.add(field, edit, error)
            edit.textChanged.connect(lambda _text, field=field: edited(field))
        self._problems = problems

    def values(self) -> dict[str, str]:
        return {field: edit.text().strip() for field, edit in self.edits.items()}

    def check_locally(self) -> None:
        problem = country_problem(self.edits["country"].text().strip().upper())
        self._problems.set_local("country", "" if problem is None else say(problem))
