"""The UI language: Qt's own translation pipeline (QTranslator with .qm files compiled from
resources/i18n/*.ts by pyside6-lrelease), Qt's qtbase translations for standard dialogs, the
choice of language (system locale, QSettings, --lang) and fonts that draw Chinese as Simplified
Chinese. Every user-visible string is a literal ``self.tr("…")`` or
``QCoreApplication.translate("Context", "…")`` so pyside6-lupdate finds it."""
from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)
from PySide6.QtGui import QFontDatabase, QFontInfo, QGuiApplication

from ..resources_path import resource
from ..state import NOTICE_TEXT, Notice

LANGUAGES = ("en", "zh")
SETTINGS_KEY = "ui/language"
QM_NAME = "attention_explorer_zh_CN.qm"
# Simplified Chinese faces, best first; the app asks for them explicitly so a Japanese variant of
# the shared Han characters (NotoSansCJKjp) is never picked for Chinese text.
SC_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Noto Sans SC",
               "WenQuanYi Micro Hei", "Heiti SC", "SimHei")

# Marked for lupdate; the English text lives in explorer.state.NOTICE_TEXT.
_NOTICES = (
    QT_TRANSLATE_NOOP("Notice", "Enter some text: there are no tokens to attend over."),
    QT_TRANSLATE_NOOP("Notice", "The text is only whitespace: there are no tokens to attend over."),
    QT_TRANSLATE_NOOP("Notice", "The text has {0} tokens; only the first {1} are used."),
    QT_TRANSLATE_NOOP("Notice", "Removed {0} control character(s) from the text."),
)

_installed: list[QTranslator] = []
_current = "en"
_done = [False]


def language_installed() -> bool:
    """True once install_language has run in this process."""
    return _done[0]


def translate_notice(notice: Notice) -> str:
    return QCoreApplication.translate("Notice", NOTICE_TEXT[notice.key]).format(*notice.args)


def ui_language() -> str:
    """'zh' when the UI runs in Chinese, else 'en' (examples carry notes in both)."""
    return _current


def system_language() -> str:
    return "zh" if QLocale.system().name().lower().startswith("zh") else "en"


def saved_language(settings: QSettings | None = None) -> str:
    """The saved choice (View ▸ Language), else the system locale's."""
    s = settings or QSettings()
    value = s.value(SETTINGS_KEY, "", type=str)
    return value if value in LANGUAGES else system_language()


def sc_font_family() -> str | None:
    """The first Simplified Chinese face installed, or None (then Qt's own fallback is used)."""
    available = set(QFontDatabase.families())
    for name in SC_FAMILIES:
        if name in available:
            return name
    return None


def apply_fonts(app: QGuiApplication) -> None:
    """Chinese characters are drawn with a Simplified Chinese face, in the window and in every
    export: the app font becomes [the face the default font resolves to, the SC face]. Naming the
    resolved face (not a generic alias such as "Sans Serif", which Qt would skip) keeps every
    Latin label's metrics exactly as before."""
    family = sc_font_family()
    if family is None:
        return
    font = app.font()
    if family in font.families():
        return
    real = QFontInfo(font).family()
    font.setFamilies([real, family])
    app.setFont(font)


def install_language(language: str) -> str:
    """Install the translators for ``language`` ("en" or "zh") in the running application;
    widgets get a LanguageChange event and retranslate. Returns the language in use."""
    global _current
    language = language if language in LANGUAGES else "en"
    app = QCoreApplication.instance()
    for t in _installed:
        QCoreApplication.removeTranslator(t)
    _installed.clear()
    if language == "zh":
        ours = QTranslator()
        qm = resource("i18n", QM_NAME)
        if qm.is_file() and ours.load(str(qm)):  # a real file in every install (not zipped)
            _installed.append(ours)
        qt = QTranslator()
        if qt.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            _installed.append(qt)
        for t in _installed:
            QCoreApplication.installTranslator(t)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    _current = language
    _done[0] = True
    if isinstance(app, QGuiApplication):
        apply_fonts(app)
    return language
