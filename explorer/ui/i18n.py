"""Translation helpers: every user-visible string goes through Qt's translate()."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ..state import NOTICE_TEXT, Notice

# Marked for lupdate; the English text lives in explorer.state.NOTICE_TEXT.
_NOTICES = (
    QT_TRANSLATE_NOOP("Notice", "Enter some text: there are no tokens to attend over."),
    QT_TRANSLATE_NOOP("Notice", "The text is only whitespace: there are no tokens to attend over."),
    QT_TRANSLATE_NOOP("Notice", "The text has {0} tokens; only the first {1} are used."),
    QT_TRANSLATE_NOOP("Notice", "Removed {0} control character(s) from the text."),
)


def translate_notice(notice: Notice) -> str:
    return QCoreApplication.translate("Notice", NOTICE_TEXT[notice.key]).format(*notice.args)


def ui_language() -> str:
    """'zh' when the UI runs in Chinese, else 'en' (examples carry notes in both)."""
    from PySide6.QtCore import QLocale

    return "zh" if QLocale().name().lower().startswith("zh") else "en"
