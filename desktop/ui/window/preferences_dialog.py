"""Preferences (issue 4 item 1): operator name, locale, currency, tax rate, default billing day."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.money import parse_rate
from desktop.i18n import Formatter, _
from desktop.services.settings import SiteSettings
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.widgets import ErrorLabel

LOCALES = ("en_IE", "en_GB", "en_US", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE", "nl_NL",
           "es_ES", "it_IT", "pt_PT", "sv_SE", "da_DK", "pl_PL")
CURRENCIES = ("EUR", "GBP", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK", "JPY", "CAD", "AUD")


class PreferencesDialog(FormDialog):
    """Edits the site settings; SettingsService.save validates. `saved` holds what was saved."""

    def __init__(self, settings_service: Any, parent: QWidget | None = None):
        super().__init__(_("Save"), parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(_("Preferences"))
        self.setMinimumWidth(460)
        self._service = settings_service
        self.saved: SiteSettings | None = None
        current = settings_service.get()

        self.operator_edit = QLineEdit(current.operator, objectName="operatorEdit")
        self.operator_edit.setPlaceholderText(_("Your name, written in the history"))
        self.locale_combo = QComboBox(objectName="localeCombo")
        self.locale_combo.setEditable(True)
        self.locale_combo.addItems(LOCALES)
        self.locale_combo.setCurrentText(current.locale)
        self.currency_combo = QComboBox(objectName="currencyCombo")
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(CURRENCIES)
        self.currency_combo.setCurrentText(current.currency)
        self.tax_edit = QLineEdit(current.tax_rate, objectName="taxRateEdit")
        self.tax_edit.setMaximumWidth(100)
        self.billing_day_spin = QSpinBox(objectName="billingDaySpin")
        self.billing_day_spin.setRange(0, 31)
        self.billing_day_spin.setSpecialValueText(_("None: bill from each start date"))
        self.billing_day_spin.setValue(current.billing_day or 0)
        self.billing_day_spin.setMinimumWidth(240)

        form = QFormLayout()
        form.setVerticalSpacing(8)
        rows = (("operator", _("Operator"), self.operator_edit, ""),
                ("locale", _("Locale"), self.locale_combo,
                 _("How dates and amounts are written, e.g. en_IE or de_DE.")),
                ("currency", _("Currency"), self.currency_combo,
                 _("Changing it does not convert amounts already recorded.")),
                ("tax_rate", _("Tax rate (%)"), self.tax_edit,
                 _("One rate for the site; prices are exclusive of tax.")),
                ("billing_day", _("Default billing day"), self.billing_day_spin,
                 _("New contracts bill on this day of the month (monthly and yearly plans).")))
        for key, caption, widget, hint in rows:
            error = ErrorLabel()
            # The short tax field keeps its width at the left; the others fill the row.
            form.addRow(caption, field_box(widget, error=error, hint=hint,
                                           stretch=widget is self.tax_edit))
            self.problems.add(key, widget, error)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

        self.locale_combo.currentTextChanged.connect(lambda: self.edited("locale"))
        self.currency_combo.currentTextChanged.connect(lambda: self.edited("currency"))
        self.tax_edit.textChanged.connect(lambda: self.edited("tax_rate"))
        self.billing_day_spin.valueChanged.connect(lambda: self.edited("billing_day"))
        self.operator_edit.textChanged.connect(lambda: self.edited("operator"))
        self.check_locally()

    def settings(self) -> SiteSettings:
        day = self.billing_day_spin.value()
        return SiteSettings(currency=self.currency_combo.currentText().strip().upper(),
                            locale=self.locale_combo.currentText().strip(),
                            tax_rate=self.tax_edit.text().strip(),
                            billing_day=day or None,
                            operator=self.operator_edit.text().strip())

    def check_locally(self) -> None:
        values = self.settings()
        try:
            parse_rate(values.tax_rate)
            tax = ""
        except ValueError as exc:
            tax = str(exc)
        self.problems.set_local("tax_rate", tax)
        currency = locale = ""
        try:
            Formatter("en_IE", values.currency)
        except ValueError as exc:
            currency = str(exc)
        try:
            Formatter(values.locale, "EUR")
        except ValueError as exc:
            locale = str(exc)
        self.problems.set_local("currency", currency)
        self.problems.set_local("locale", locale)

    def submit(self) -> None:
        self.saved = self._service.save(self.settings())
