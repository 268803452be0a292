"""Preferences: operator name, locale, currency, the standard and reduced tax rates and the
exemption reason (rule 17), default billing day (issue 4), on a second tab the site's identity on
its documents: name, address, VAT id, IBAN, the number prefixes of invoices, credit notes and
deposit documents, payment terms and logo (issue 11), and on a third the user's own interface
language (issue 10: the user's, kept on this computer, not the site's)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.documents.invoice_layout import png_of
from desktop.domain.limits import plain_rate, text_problem
from desktop.domain.vat import vat_id_problem
from desktop.i18n import Formatter, _
from desktop.i18n.messages import reason, say
from desktop.services.settings import (
    MAX_PAYMENT_TERMS,
    PREFIX_FIELDS,
    SiteSettings,
    iban_problem,
    prefix_problem,
    series_problems,
)
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.screens import ScrolledTabs, fit_to_screen
from desktop.ui.common.widgets import ErrorLabel
from desktop.ui.window.language import language_name, locale_name
from desktop.ui.window.preferences_einvoice import EInvoiceTab
from desktop.ui.window.preferences_mail import MailTab
from desktop.ui.window.preferences_reminders import RemindersTab

LOCALES = ("en_IE", "en_GB", "en_US", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE", "nl_NL",
           "es_ES", "it_IT", "pt_PT", "sv_SE", "da_DK", "pl_PL")
CURRENCIES = ("EUR", "GBP", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK", "JPY", "CAD", "AUD")


class PreferencesDialog(FormDialog):
    """Edits the site settings; SettingsService.save validates. `saved` holds what was saved."""

    def __init__(self, settings_service: Any, parent: QWidget | None = None, *,
                 language: str = "", languages: tuple[str, ...] = (), reader: str = "en",
                 pages: tuple[Any, ...] = (), mail: Any = None, passwords: Any = None):
        super().__init__(_("Save"), parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(_("Preferences"))
        self.setMinimumWidth(460)
        self._fitted = False
        self._service = settings_service
        self.saved: SiteSettings | None = None
        self.changes = None  # what the save changed (Changes), once saved
        current = settings_service.get()

        self.operator_edit = QLineEdit(current.operator, objectName="operatorEdit")
        self.operator_edit.setPlaceholderText(_("Your name, written in the history"))
        self.locale_combo = QComboBox(objectName="localeCombo")
        codes = LOCALES if current.locale in LOCALES else (current.locale, *LOCALES)
        for code in codes:
            # Named in the words of the person reading the list (the interface language).
            self.locale_combo.addItem(locale_name(code, reader), code)
        self.locale_combo.setCurrentIndex(codes.index(current.locale))
        self.currency_combo = QComboBox(objectName="currencyCombo")
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(CURRENCIES)
        self.currency_combo.setCurrentText(current.currency)
        self.tax_edit = QLineEdit(current.tax_rate, objectName="taxRateEdit")
        self.reduced_edit = QLineEdit(current.reduced_tax_rate, objectName="reducedTaxRateEdit")
        for edit in (self.tax_edit, self.reduced_edit):
            edit.setMaximumWidth(100)
        self.exemption_edit = QLineEdit(current.exemption_reason, objectName="exemptionReasonEdit")
        self.exemption_edit.setPlaceholderText(_("e.g. Exempt under Article 135(1)(l) of the "
                                                 "VAT Directive"))
        self.billing_day_spin = QSpinBox(objectName="billingDaySpin")
        self.billing_day_spin.setRange(0, 31)
        self.billing_day_spin.setSpecialValueText(_("None: bill from each start date"))
        self.billing_day_spin.setValue(current.billing_day or 0)
        self.billing_day_spin.setMinimumWidth(240)

        self._current = current
        # Rule 25: the earliest cancellation moved to the next period boundary (default on).
        self.boundary_check = QCheckBox(_("Only at the end of a period"),
                                        objectName="cancellationsOnBoundary")
        self.boundary_check.setChecked(current.cancellations_on_boundary is not False)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        rows = (("operator", _("Operator"), self.operator_edit, ""),
                ("locale", _("Locale"), self.locale_combo,
                 _("How the site writes dates and amounts, and the language of its invoices.")),
                ("currency", _("Currency"), self.currency_combo,
                 _("Changing it does not convert amounts already recorded.")),
                ("tax_rate", _("Standard tax rate (%)"), self.tax_edit,
                 _("For plans and add-ons of the standard category; prices are exclusive of "
                   "tax.")),
                ("reduced_tax_rate", _("Reduced tax rate (%)"), self.reduced_edit,
                 _("For plans and add-ons of the reduced category.")),
                ("exemption_reason", _("Exemption reason"), self.exemption_edit,
                 _("Printed on the lines of exempt plans and add-ons.")),
                ("billing_day", _("Default billing day"), self.billing_day_spin,
                 _("New contracts bill on this day of the month (monthly and yearly plans).")),
                ("cancellations_on_boundary", _("Cancellations"), self.boundary_check,
                 _("A contract's notice period then runs to the end of the period it ends "
                   "in, as most contracts say.")))
        for key, caption, widget, hint in rows:
            error = ErrorLabel()
            # The short rate fields keep their width at the left; the others fill the row.
            form.addRow(caption, field_box(widget, error=error, hint=hint,
                                           stretch=widget in (self.tax_edit, self.reduced_edit)))
            self.problems.add(key, widget, error)
        site_tab = QWidget()
        site_tab.setLayout(form)
        # Each tab scrolls rather than squeezing its rows over each other when the screen is
        # short (German at scale 2: hints were drawn over the fields below them).
        self.tabs = ScrolledTabs(objectName="preferencesTabs")
        self.tabs.addTab(site_tab, _("&Site"))
        self.tabs.addTab(self._identity_tab(current), _("In&voices"))
        self.tabs.addTab(self._language_tab(language, languages), _("&Language"))
        self.einvoice_tab = EInvoiceTab(current, self.problems, self.edited)
        self.tabs.addTab(self.einvoice_tab, _("E-invoice &fields"))
        self.mail_tab = None if mail is None else MailTab(mail, passwords, self.problems,
                                                                 self.edited)
        self.reminders_tab = None if mail is None else RemindersTab(
            mail, self._formatter_of(current), self.problems, self.edited)
        if self.mail_tab is not None:  # rule 29: the SMTP server (preferences_mail.py)
            self.tabs.addTab(self.mail_tab, _("&Mail"))
            self.tabs.addTab(self.reminders_tab, _("&Reminders"))
        self.pages = pages  # pages of their own (Direct debit): attach, then save after ours
        for page in pages:
            page.attach(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

        self.locale_combo.currentIndexChanged.connect(lambda: self.edited("locale"))
        self.currency_combo.currentTextChanged.connect(lambda: self.edited("currency"))
        self.tax_edit.textChanged.connect(lambda: self.edited("tax_rate"))
        self.reduced_edit.textChanged.connect(lambda: self.edited("reduced_tax_rate"))
        self.exemption_edit.textChanged.connect(lambda: self.edited("exemption_reason"))
        self.billing_day_spin.valueChanged.connect(lambda: self.edited("billing_day"))
        self.boundary_check.toggled.connect(lambda: self.edited("cancellations_on_boundary"))
        self.operator_edit.textChanged.connect(lambda: self.edited("operator"))
        for key, edit in (("site_name", self.site_name_edit), ("vat_id", self.vat_edit),
                          ("iban", self.iban_edit), *self.prefix_edits.items()):
            edit.textChanged.connect(lambda _text, key=key: self.edited(key))
        self.address_edit.textChanged.connect(lambda: self.edited("address"))
        self.terms_spin.valueChanged.connect(lambda: self.edited("payment_terms"))
        self.check_locally()
        # A value stored before it was checked (a site VAT id typed by an older version) is
        # marked at once: Save waits for it, and the field says why.
        self.problems.touch_all()

    @staticmethod
    def _formatter_of(current: SiteSettings) -> Formatter:
        try:
            return Formatter(current.locale, current.currency)
        except ValueError:
            return Formatter()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._fitted:  # the first time: tall enough for its tallest tab, if it can be
            self._fitted = True
            fit_to_screen(self, self._preferred_size())
        super().showEvent(event)
        # The first field has the keyboard when the dialog opens, not the tab bar: what is
        # typed at once goes into it.
        if not event.spontaneous():
            self.operator_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _preferred_size(self) -> QSize:
        """Wide enough for its fields, tall enough for every row of its tallest tab with its
        hints wrapped at that width (a form asks for less than it needs when hints wrap)."""
        # Wide enough to show every tab's title too: with seven tabs the bar outgrew 560 px and
        # hid the last ones behind scroll arrows a person does not see.
        bar = self.tabs.tabBar()
        titles = sum(bar.tabSizeHint(i).width() for i in range(bar.count())) + 40
        width = max(self.sizeHint().width(), 560, titles)
        page_width = width - 60  # the dialog's and the tab frame's margins
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        tallest = max(page.heightForWidth(page_width) if page.hasHeightForWidth()
                      else page.sizeHint().height() for page in pages)
        chrome = (self.tabs.tabBar().sizeHint().height() + self.buttons.sizeHint().height()
                  + self.form_error.sizeHint().height() + 60)
        return QSize(width, tallest + chrome)

    def _language_tab(self, language: str, languages: tuple[str, ...]) -> QWidget:
        """The user's own interface language: the system's or one by its own name."""
        self.language_combo = QComboBox(objectName="languageCombo")
        self.language_combo.addItem(_("The system's language"), "")
        for code in languages:
            self.language_combo.addItem(language_name(code), code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(language)))
        form = QFormLayout()
        form.addRow(_("Interface &language"), field_box(
            self.language_combo, error=ErrorLabel(),
            hint=_("Yours, on this computer. Money, dates and invoices follow the site's "
                   "locale.")))
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def chosen_language(self) -> str:
        """The interface language chosen ("" = the system's)."""
        return str(self.language_combo.currentData() or "")

    def _identity_tab(self, current: SiteSettings) -> QWidget:
        """The site as its invoices name it, and how they are numbered and paid."""
        self.site_name_edit = QLineEdit(current.site_name, objectName="siteNameEdit")
        self.address_edit = QPlainTextEdit(current.address, objectName="siteAddressEdit")
        # Room for three lines of the address in the font in use, at any scale.
        self.address_edit.setFixedHeight(self.address_edit.fontMetrics().lineSpacing() * 3 + 14)
        # Its row keeps that height; a taller tab leaves its spare room below the last row.
        self.address_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.address_edit.setTabChangesFocus(True)
        self.vat_edit = QLineEdit(current.vat_id, objectName="siteVatIdEdit")
        self.iban_edit = QLineEdit(current.iban, objectName="ibanEdit")
        self.iban_edit.setPlaceholderText("IE29 AIBK 9311 5212 3456 78")
        self.prefix_edit = QLineEdit(current.invoice_prefix, objectName="invoicePrefixEdit")
        self.credit_prefix_edit = QLineEdit(current.credit_note_prefix,
                                            objectName="creditNotePrefixEdit")
        self.deposit_prefix_edit = QLineEdit(current.deposit_prefix,
                                             objectName="depositPrefixEdit")
        # One edit per number series (rules 15, 17), by the settings field it holds.
        self.prefix_edits = {"invoice_prefix": self.prefix_edit,
                             "credit_note_prefix": self.credit_prefix_edit,
                             "deposit_prefix": self.deposit_prefix_edit}
        for edit in self.prefix_edits.values():
            edit.setMaximumWidth(140)
        self.terms_spin = QSpinBox(objectName="paymentTermsSpin")
        self.terms_spin.setRange(0, MAX_PAYMENT_TERMS)
        self.terms_spin.setValue(current.payment_terms)
        self.terms_spin.setSuffix(_(" days"))
        self.logo = current.logo
        self.logo_preview = QLabel(objectName="logoPreview")
        self.logo_button = QPushButton(_("C&hoose…"), objectName="chooseLogoButton")
        self.logo_button.clicked.connect(lambda: self.choose_logo())
        self.logo_clear = QPushButton(_("Remo&ve"), objectName="removeLogoButton")
        self.logo_clear.clicked.connect(lambda: self.set_logo(None))
        self._show_logo()
        form = QFormLayout()
        form.setVerticalSpacing(8)
        rows = (("site_name", _("Site &name"), (self.site_name_edit,), "", False),
                ("address", _("&Address"), (self.address_edit,), "", False),
                ("vat_id", _("VAT &id"), (self.vat_edit,), "", False),
                ("iban", _("I&BAN"), (self.iban_edit,),
                 _("With an IBAN, EUR invoices carry a payment QR code."), False),
                ("invoice_prefix", _("Number &prefix"), (self.prefix_edit,),
                 _("New invoices are numbered with it, e.g. INV-000123."), True),
                ("credit_note_prefix", _("C&redit note prefix"), (self.credit_prefix_edit,),
                 _("Credit notes are numbered with it, e.g. CN-000012."), True),
                ("deposit_prefix", _("&Deposit prefix"), (self.deposit_prefix_edit,),
                 _("Deposit requests and returns are numbered with it, e.g. DEP-000007."),
                 True),
                ("payment_terms", _("Payment &terms"), (self.terms_spin,),
                 _("An invoice unpaid this many days after its issue date is overdue."), True),
                ("logo", _("&Logo"), (self.logo_preview, self.logo_button, self.logo_clear),
                 "", True))
        for key, caption, widgets, hint, stretch in rows:
            error = ErrorLabel()
            text = QLabel(caption)
            text.setBuddy(widgets[-1] if key == "logo" else widgets[0])
            for widget in widgets:
                widget.setAccessibleName(caption.replace("&", ""))
            form.addRow(text, field_box(*widgets, error=error, hint=hint, stretch=stretch))
            self.problems.add(key, widgets[0], error)
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def choose_logo(self, path: str | None = None) -> bool:
        """Read a picture for the invoices' heading; it is kept in the database as PNG."""
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Logo for the invoices"), "", _("Pictures (*.png *.jpg *.jpeg *.svg)"))
        if not path:
            return False
        image = QImage(str(Path(path)))
        if image.isNull():
            self.problems.set_local("logo", _("{name} is not a picture Frontdesk can read.")
                                    .format(name=Path(path).name))
            return False
        self.problems.set_local("logo", "")
        if image.height() > 240:  # plenty for print; keeps the database small
            image = image.scaledToHeight(240, Qt.TransformationMode.SmoothTransformation)
        self.set_logo(png_of(image))
        return True

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data or None
        self._show_logo()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo:
            pixmap.loadFromData(self.logo)
        if pixmap.isNull():
            self.logo_preview.setText(_("No logo"))
        else:
            self.logo_preview.setPixmap(pixmap.scaledToHeight(
                40, Qt.TransformationMode.SmoothTransformation))
        self.logo_clear.setEnabled(bool(self.logo))
        self.logo_clear.setToolTip("" if self.logo else _("There is no logo to remove."))

    def settings(self) -> SiteSettings:
        day = self.billing_day_spin.value()
        return replace(self._current, currency=self.currency_combo.currentText().strip().upper(),
                       locale=str(self.locale_combo.currentData() or "").strip(),
                       tax_rate=self.tax_edit.text().strip(), billing_day=day or None,
                       reduced_tax_rate=self.reduced_edit.text().strip(),
                       exemption_reason=self.exemption_edit.text().strip(),
                       credit_note_prefix=self.credit_prefix_edit.text().strip(),
                       deposit_prefix=self.deposit_prefix_edit.text().strip(),
                       operator=self.operator_edit.text().strip(),
                       site_name=self.site_name_edit.text().strip(),
                       address=self.address_edit.toPlainText().strip(),
                       vat_id=self.vat_edit.text().strip(), iban=self.iban_edit.text().strip(),
                       invoice_prefix=self.prefix_edit.text().strip(),
                       payment_terms=self.terms_spin.value(), logo=self.logo,
                       cancellations_on_boundary=self.boundary_check.isChecked(),
                       **self.einvoice_tab.values())

    def check_locally(self) -> None:
        values = self.settings()
        for key in ("tax_rate", "reduced_tax_rate"):
            try:
                plain_rate(getattr(values, key))
                problem = ""
            except ValueError as exc:
                problem = reason(exc)
            self.problems.set_local(key, problem)
        self.problems.set_local("exemption_reason", self._text_problem(values.exemption_reason))
        currency = locale = ""
        try:
            Formatter("en_IE", values.currency)
        except ValueError as exc:
            currency = reason(exc)
        try:
            Formatter(values.locale, "EUR")
        except ValueError as exc:
            locale = reason(exc)
        self.problems.set_local("currency", currency)
        self.problems.set_local("locale", locale)
        self.einvoice_tab.check_locally()
        self.problems.set_local("iban", iban_problem(values.iban))
        vat = vat_id_problem(values.vat_id)
        self.problems.set_local("vat_id", "" if vat is None else say(vat))
        prefixes = {series: getattr(values, field) for series, field in PREFIX_FIELDS.items()}
        clashes = series_problems(prefixes)
        for series, field in PREFIX_FIELDS.items():
            self.problems.set_local(field, prefix_problem(prefixes[series], series)
                                    or clashes.get(series, ""))

    @staticmethod
    def _text_problem(text: str) -> str:
        """A control character or a line break, said as the service says it."""
        problem = text_problem(text)
        return "" if problem is None else reason(problem)

    def submit(self) -> None:
        mail_changes = None if self.mail_tab is None else (
            self.mail_tab.save() | self.reminders_tab.save())
        self.changes = self._service.save(self.settings())
        for page in self.pages:
            self.changes = self.changes | page.save()
        self.changes = self.changes if mail_changes is None else self.changes | mail_changes
        self.saved = self._service.get()
