"""Settings → School: who the school is and who signs letters (also the first-run form)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.core.permissions import Permission
from app.core.services.school import SchoolDetails, find_settings, save_settings
from app.ui.accounts_page import AccountsPage
from app.ui.audit_page import AuditPage
from app.ui.backups_page import BackupsPage
from app.ui.context import AppContext
from app.ui.image_setting import ImageSetting
from app.ui.letters.templates_editor import TemplatesEditor
from app.ui.platform_ages import PlatformAgesEditor
from app.ui.terms_editor import TermsEditor
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label


class SchoolForm(QWidget):
    """The school's details; `saved` fires after a successful save."""

    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().height() * 5)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.website = QLineEdit()
        self.headteacher_name = QLineEdit()
        self.signatory_title = QLineEdit()
        self.signatory_title.setPlaceholderText("Headteacher")
        self.deputy_name = QLineEdit()
        self.deputy_name.setPlaceholderText("Signs when a letter concerns the headteacher")
        self.deputy_title = QLineEdit()
        self.deputy_title.setPlaceholderText("Deputy Headteacher")
        self.chair_of_governors_name = QLineEdit()
        self.chair_of_governors_name.setPlaceholderText(
            "Signs when a letter concerns the headteacher"
        )
        self.postal_days = QSpinBox()
        self.postal_days.setRange(1, 10)
        self.postal_days.setValue(3)
        self.postal_days.setSuffix(" working days (second class)")
        self.dsl_names = QLineEdit()
        self.dsl_names.setPlaceholderText("e.g. Ms A. Okafor (DSL), Mr Ł. Nowak (deputy DSL)")
        self.complaints_url = QLineEdit()
        self.complaints_url.setPlaceholderText("https://… (the school's complaints procedure)")
        self.deadline_days = QSpinBox()
        self.deadline_days.setRange(1, 20)
        self.deadline_days.setValue(2)
        self.deadline_days.setSuffix(" school days")
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 60)
        self.idle_minutes.setValue(10)
        self.idle_minutes.setSuffix(" minutes without use")
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        for field, text, widget in [
            ("name", "School name", self.name),
            ("address", "Address", self.address),
            ("phone", "Phone", self.phone),
            ("email", "Email", self.email),
            ("website", "Website", self.website),
            ("headteacher_name", "Headteacher (signs letters)", self.headteacher_name),
            ("signatory_title", "Title under the signature", self.signatory_title),
            ("deputy_name", "Deputy headteacher", self.deputy_name),
            ("deputy_title", "Deputy's title", self.deputy_title),
            ("chair_of_governors_name", "Chair of governors", self.chair_of_governors_name),
            ("dsl_names", "DSL and deputies", self.dsl_names),
            ("complaints_url", "Complaints procedure", self.complaints_url),
            ("deletion_deadline_school_days", "Deadline for deleting a post", self.deadline_days),
            ("postal_delivery_days", "A posted letter arrives after", self.postal_days),
            ("idle_lock_minutes", "Lock Footprint after", self.idle_minutes),
        ]:
            add_field_row(form, self.errors, field, text, widget)
        self.save_button = QPushButton("Save school details")
        self.save_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.general, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.load()

    def load(self) -> None:
        settings = self.context.read(find_settings)
        if settings is None:
            return
        self.name.setText(settings.name)
        self.address.setPlainText(settings.address)
        self.phone.setText(settings.phone)
        self.email.setText(settings.email)
        self.website.setText(settings.website)
        self.headteacher_name.setText(settings.headteacher_name)
        self.signatory_title.setText(settings.signatory_title)
        self.deputy_name.setText(settings.deputy_name)
        self.deputy_title.setText(settings.deputy_title)
        self.chair_of_governors_name.setText(settings.chair_of_governors_name)
        self.postal_days.setValue(settings.postal_delivery_days)
        self.dsl_names.setText(settings.dsl_names)
        self.complaints_url.setText(settings.complaints_url)
        self.deadline_days.setValue(settings.deletion_deadline_school_days)
        self.idle_minutes.setValue(settings.idle_lock_minutes)

    def details(self) -> SchoolDetails:
        return SchoolDetails(
            name=self.name.text().strip(),
            address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            website=self.website.text().strip(),
            headteacher_name=self.headteacher_name.text().strip(),
            signatory_title=self.signatory_title.text().strip() or "Headteacher",
            deputy_name=self.deputy_name.text().strip(),
            deputy_title=self.deputy_title.text().strip() or "Deputy Headteacher",
            chair_of_governors_name=self.chair_of_governors_name.text().strip(),
            postal_delivery_days=self.postal_days.value(),
            dsl_names=self.dsl_names.text().strip(),
            complaints_url=self.complaints_url.text().strip(),
            deletion_deadline_school_days=self.deadline_days.value(),
            idle_lock_minutes=self.idle_minutes.value(),
        )

    def save(self) -> bool:
        details = self.details()
        self.errors.clear()
        try:
            self.context.write(lambda s, a: save_settings(s, a, details))
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return False
        self.general.say_done("Saved.")
        self.general.show()
        self.saved.emit()
        return True


class LetterheadForm(QWidget):
    """The pictures on letters: the logo and the signature (each saved when chosen)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logo = ImageSetting(context, "logo", "logo")
        self.signature = ImageSetting(context, "signature_image", "signature")
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout(self)
        add_field_row(form, self.errors, "logo", "Logo (PNG, JPEG or SVG)", self.logo)
        add_field_row(form, self.errors, "signature_image", "Signature (optional)", self.signature)
        for field, picture in (("logo", self.logo), ("signature_image", self.signature)):
            picture.message.connect(lambda text, f=field: self._say(f, text))

    def _say(self, field: str, text: str) -> None:
        if text:
            self.errors.show(ValidationError(field, text))
        else:
            self.errors.clear()


class SettingsPage(QWidget):
    """Settings: the school, its letters, its terms, and where the log is kept."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.school = SchoolForm(context)
        self.terms = TermsEditor(context)
        self.letterhead = LetterheadForm(context)
        self.letters = TemplatesEditor(context)
        where = QLabel(f"The log is kept in {context.database.location}.")
        where.setWordWrap(True)
        tabs = QTabWidget()
        school_tab = QWidget()
        school_column = QVBoxLayout(school_tab)
        school_column.addWidget(self.school)
        pictures = QGroupBox("Pictures on letters (each is saved as soon as it is chosen)")
        QVBoxLayout(pictures).addWidget(self.letterhead)
        school_column.addWidget(pictures)
        school_column.addStretch(1)
        school_scroll = QScrollArea()
        school_scroll.setWidgetResizable(True)
        school_scroll.setWidget(school_tab)
        tabs.addTab(school_scroll, "School")
        tabs.addTab(self.letters, "Letters")
        self.platforms = PlatformAgesEditor(context)
        tabs.addTab(self.platforms, "Platforms")
        tabs.addTab(self.terms, "Term dates")
        self.accounts: AccountsPage | None = None
        self.audit: AuditPage | None = None
        if context.may(Permission.ACCOUNTS):
            self.accounts = AccountsPage(context)
            tabs.addTab(self.accounts, "Accounts")
        if context.may(Permission.AUDIT):
            self.audit = AuditPage(context)
            tabs.addTab(self.audit, "Audit")
        self.backups: BackupsPage | None = None
        if context.may(Permission.SETTINGS):
            self.backups = BackupsPage(context)
            tabs.addTab(self.backups, "Backups")
            # Restored: the window closes, and the next start opens the restored log.
            self.backups.restored.connect(QApplication.closeAllWindows)
        self.tabs = tabs
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(where)
