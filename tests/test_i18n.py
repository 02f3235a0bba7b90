"""The Chinese UI: the catalogue is complete and current, the compiled .qm matches it, the
window shows no English prose in Chinese, the language switches live, and exported figures
(SVG text, PDF fonts) follow --lang."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import update_translations as ut  # noqa: E402

TS = REPO / ut.TS
QM = REPO / ut.QM

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# two or more English words in a row (a "word": 2+ letters, maybe with an apostrophe or hyphen)
PROSE = re.compile(r"\b[A-Za-z][a-z'’-]*[a-z]\b[\s,;:]+\b[A-Za-z][a-z'’-]*[a-z]\b")
# kept in English on purpose: product and model names, formulas, file-type names, identifiers
ALLOWED = [
    "Attention Explorer", "Hugging Face", "Jensen–Shannon", "Noto Sans", "Kovaleva", "Michel",
    "TransformerLens", "Llama", "NumPy", "MultiHead", "Concat", "English", "et al",
    "pip install", "--no-deps", "train --save",
]


def _catalogue(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    out = {}
    for ctx in root.findall("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.findall("message"):
            if msg.get("type") in ("obsolete", "vanished"):
                continue
            trans = msg.find("translation")
            if trans is not None and trans.get("type") in ("obsolete", "vanished"):
                continue
            out[(name, msg.findtext("source") or "")] = msg
    return out


@pytest.fixture(scope="module")
def fresh_ts(tmp_path_factory) -> Path:
    """lupdate over the current sources into a copy of the shipped .ts (the copy sits at the
    same depth below a scratch root so the relative locations do not matter)."""
    tmp = tmp_path_factory.mktemp("lupdate") / "t.ts"
    shutil.copy(TS, tmp)
    ut.lupdate(tmp, extra=["-no-obsolete"])
    return tmp


# ---- the catalogue -------------------------------------------------------------------------------
def test_no_string_in_an_empty_context(fresh_ts):
    empty = [src for (ctx, src) in _catalogue(fresh_ts) if not ctx.strip()]
    assert not empty, f"strings lupdate found outside any context: {empty}"


def test_shipped_ts_is_current_and_finished(fresh_ts):
    current = set(_catalogue(fresh_ts))
    shipped = _catalogue(TS)
    missing = sorted(current - set(shipped))
    assert not missing, ("strings in the code but not in the shipped .ts; run python tools/update_translations.py "
                         f"and translate them: {missing}")
    unfinished = []
    for key in current:
        trans = shipped[key].find("translation")
        numerus = trans.findall("numerusform") if trans is not None else []
        texts = [n.text for n in numerus] if numerus else [trans.text if trans is not None else None]
        if trans is None or trans.get("type") == "unfinished" or not all((t or "").strip() for t in texts):
            unfinished.append(key)
    assert not unfinished, f"untranslated or unfinished: {sorted(unfinished)}"


def test_translations_keep_placeholders_tags_and_accelerators():
    bad = []
    for (ctx, src), msg in _catalogue(TS).items():
        zh = msg.findtext("translation") or ""

        def feats(s):
            return (sorted(re.findall(r"\{[^}]*\}", s)), sorted(re.findall(r"</?[a-z]+[^>]*>", s)),
                    s.count("%n"), s.count("&&"), len(re.findall(r"(?<!&)&(?![&#a-z0-9]+;)[A-Za-z]", s)))

        if feats(src) != feats(zh):
            bad.append((ctx, src, zh))
        accel = re.search(r"(?<!&)&([A-Za-z])", re.sub(r"&[a-z]+;", "", src))
        if accel and CJK.search(zh) and f"(&{accel.group(1).upper()})" not in zh.upper():
            bad.append((ctx, src, zh))  # Chinese menus use the "文件(&F)" style
    assert not bad, "\n".join(f"[{c}] {s!r} -> {z!r}" for c, s, z in bad)


def test_shipped_qm_is_current(tmp_path):
    out = tmp_path / "check.qm"
    ut.lrelease(TS, out)
    assert out.read_bytes() == QM.read_bytes(), "the .qm is stale: run python tools/update_translations.py"


# ---- the window in Chinese -----------------------------------------------------------------------
@pytest.fixture
def english_afterwards():
    yield
    from explorer.ui.i18n import install_language

    install_language("en")  # the translators are process-wide: leave the other tests in English


def _zh_window(qtbot, language="zh"):
    from explorer.app import create_main_window

    win = create_main_window(language=language)
    qtbot.addWidget(win)
    win.resize(1440, 880)
    win.show()
    qtbot.waitExposed(win)
    win.flush()
    return win


def _user_texts() -> set[str]:
    """Texts that are the user's (example texts and their words), never UI prose."""
    from explorer.examples import load_examples

    texts = set()
    for ex in load_examples().examples:
        texts.add(ex.text)
    from explorer.train.tasks import TASKS

    # the Train tab's explanation tooltip shows the other language's text on purpose (bilingual aid)
    texts.update(t.explanation for t in TASKS.values())
    try:
        import json

        from explorer.resources_path import resource

        raw = json.loads(resource("model_examples.json").read_text(encoding="utf-8"))
        for item in raw if isinstance(raw, list) else raw.get("examples", []):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                texts.add(item["text"])
    except Exception:  # noqa: BLE001 - only widens the exclusions
        pass
    return texts


def _is_english_prose(text: str, user: set[str], tokens: set[str]) -> bool:
    if not text or CJK.search(text):
        return False
    t = re.sub(r"<[^>]+>", " ", text).replace("&", "")
    if t.endswith(" (cell)"):
        word = t[: -len(" (cell)")]
        return word not in tokens and not any(word in u.split() for u in user)
    if t.strip() in tokens or any(t.strip() and t.strip() in u for u in user):
        return False
    for word in ALLOWED:
        t = t.replace(word, " ")
    t = re.sub(r"\S*[_0-9=/\\.]\S*", " ", t)  # identifiers, numbers, paths, formulas
    for tok in tokens:
        if len(tok) > 1:
            t = re.sub(rf"(?<!\w){re.escape(tok)}(?!\w)", " ", t)
    return bool(PROSE.search(t))


def _strings_of(window) -> list[tuple[str, str]]:
    """Every string the window shows: widgets, actions (menus, recursively), tabs, table
    headers, plot titles and axis labels, each with where it was found."""
    import pyqtgraph as pg
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QMenu,
        QPlainTextEdit,
        QTabWidget,
        QTextEdit,
        QWidget,
    )

    found: list[tuple[str, str]] = [("windowTitle", window.windowTitle())]
    seen_menus = set()

    def walk_menu(menu: QMenu, where: str):
        if id(menu) in seen_menus:
            return
        seen_menus.add(id(menu))
        found.append((f"{where} title", menu.title()))
        for act in menu.actions():
            found.extend([(f"{where} action", act.text()), (f"{where} action tip", act.toolTip()),
                          (f"{where} status tip", act.statusTip())])
            if act.menu() is not None:
                walk_menu(act.menu(), f"{where} ▸ {act.text()}")

    menubar = window.menuBar() if hasattr(window, "menuBar") else None
    for act in menubar.actions() if menubar is not None else []:
        if act.menu() is not None:
            walk_menu(act.menu(), "menu")
        found.append(("menubar action", act.text()))
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        found += [(f"{name} tooltip", w.toolTip()), (f"{name} statusTip", w.statusTip()),
                  (f"{name} whatsThis", w.whatsThis())]
        for act in w.actions():
            found += [(f"{name} action", act.text()), (f"{name} action tip", act.toolTip())]
        if isinstance(w, QLabel):
            found.append((f"{name} text", w.text()))
        elif isinstance(w, QAbstractButton):
            found.append((f"{name} text", w.text()))
        elif isinstance(w, QGroupBox):
            found.append((f"{name} title", w.title()))
        elif isinstance(w, QLineEdit):
            found.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            found.append((f"{name} placeholder", w.placeholderText()))  # the text itself is the user's
        elif isinstance(w, QComboBox):
            found += [(f"{name} item", w.itemText(i)) for i in range(w.count())]
            found += [(f"{name} item tip", str(w.itemData(i, Qt.ItemDataRole.ToolTipRole) or ""))
                      for i in range(w.count())]
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                found += [(f"{name} tab", w.tabText(i)), (f"{name} tab tip", w.tabToolTip(i))]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            for orient, count in ((Qt.Orientation.Horizontal, m.columnCount()),
                                  (Qt.Orientation.Vertical, m.rowCount())):
                for i in range(min(count, 200)):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        v = m.headerData(i, orient, role)
                        if isinstance(v, str):
                            found.append((f"{name} header", v))
            for r in range(min(m.rowCount(), 50)):
                for c in range(m.columnCount()):
                    v = m.data(m.index(r, c), Qt.ItemDataRole.ToolTipRole)
                    if isinstance(v, str):
                        found.append((f"{name} cell tip", v))
                    v = m.data(m.index(r, c), Qt.ItemDataRole.DisplayRole)
                    if isinstance(v, str) and re.fullmatch(r"[a-z]{4,}", v):  # one English word in a cell
                        found.append((f"{name} cell", f"{v} (cell)"))
        if isinstance(w, pg.PlotWidget):
            item = w.getPlotItem()
            found.append((f"{name} plot title", item.titleLabel.text))
            for axis in ("left", "bottom", "right", "top"):
                ax = item.getAxis(axis)
                found.append((f"{name} axis {axis}", ax.labelText or ""))
    return found


def _english_in(window, tokens: set[str]) -> list[tuple[str, str]]:
    user = _user_texts()
    return [(where, s) for where, s in _strings_of(window) if _is_english_prose(s, user, tokens)]


def test_chinese_window_has_no_english_prose(qtbot, english_afterwards):
    from explorer.ui.shortcuts import ShortcutsDialog

    win = _zh_window(qtbot)
    bad: list[tuple[str, str]] = []
    for i in range(win.tabs.count()):
        win.tabs.setCurrentIndex(i)
        qtbot.wait(50)
        win.flush()
        win.flush_rest()
        bad += [(f"tab {i} {win.tabs.tabText(i)}: {w}", s) for w, s in _english_in(win, set(win.state.all_tokens))]
    dialog = ShortcutsDialog(win)
    qtbot.addWidget(dialog)
    dialog.show()
    bad += [(f"shortcuts: {w}", s) for w, s in _english_in(dialog, set())]
    from PySide6.QtWidgets import QTableWidget

    for t in dialog.findChildren(QTableWidget):
        for c in range(t.columnCount()):
            item = t.horizontalHeaderItem(c)
            if item is not None and _is_english_prose(item.text(), set(), set()):
                bad.append(("shortcuts header", item.text()))
        for r in range(t.rowCount()):
            for c in range(t.columnCount()):
                item = t.item(r, c)
                if item is not None and _is_english_prose(item.text(), set(), set()):
                    bad.append(("shortcuts cell", item.text()))
    bad = sorted(set(bad))
    for where, s in bad:
        print(f"ENGLISH  {where}: {s!r}")
    assert not bad, f"{len(bad)} English UI strings in the Chinese window (printed above)"


def test_detector_flags_english_and_passes_chinese():
    assert _is_english_prose("Open model…", set(), set())
    assert _is_english_prose("heterogeneous (cell)", set(), set())
    assert not _is_english_prose("animal (cell)", set(), {"animal"})
    assert not _is_english_prose("打开模型(&M)…", set(), set())
    assert not _is_english_prose("d_model = 64 · h = 8", set(), set())
    assert not _is_english_prose("Attention Explorer", set(), set())
    assert not _is_english_prose("The animal didn't cross", {"The animal didn't cross the street"}, set())


def test_language_switches_live_both_ways(qtbot, english_afterwards):
    win = _zh_window(qtbot, "en")
    win.state.apply({"text": "the cat sat on the mat", "n_heads": 4})
    win.flush()
    text, heads = win.state.text, win.state.n_heads

    def snapshot():
        return {
            "title": win.windowTitle(),
            "menu": win.menuBar().actions()[0].text(),
            "tab": win.tabs.tabText(1),
            "tip": _causal_tip(win),
        }

    en = snapshot()
    win.set_language("zh")
    zh = snapshot()
    win.set_language("en")
    en2 = snapshot()
    win.set_language("zh")
    zh2 = snapshot()
    assert en == en2 and zh == zh2
    assert en["menu"] == "&File" and zh["menu"] == "文件(&F)"
    # one controls dock, the new one (the old one used to show beside it until the event loop deleted it)
    from PySide6.QtWidgets import QDockWidget

    docks = [d for d in win.findChildren(QDockWidget) if d.isVisible()]
    assert docks == [win.controls_dock] and CJK.search(win.controls_dock.windowTitle())
    assert CJK.search(zh["tab"]) and not CJK.search(en["tab"])
    assert CJK.search(zh["tip"]) and not CJK.search(en["tip"])
    assert zh["title"] == en["title"] == "Attention Explorer"  # the product name stays
    assert (win.state.text, win.state.n_heads) == (text, heads)
    assert win.language_actions["zh"].isChecked() and not win.language_actions["en"].isChecked()


def test_language_switch_keeps_the_selection_in_every_view(qtbot, english_afterwards):
    """The rebuilt views show the state's selected head, query and key (they came back blank
    while the state still held them)."""
    from PySide6.QtWidgets import QApplication

    win = _zh_window(qtbot, "en")
    i = [e.id for e in win.library.examples].index("coreference-it")
    win.examples_bar.load(i)
    win.flush()
    s = win.state
    assert (s.query, s.key, s.head) == (7, 1, 7)
    for tab in ("heads", "lines"):
        win.show_view(tab)
        win.set_language("zh" if win.language_actions["en"].isChecked() else "en")
        win.show_view("heads")
        QApplication.processEvents()
        assert win.heads_view.focus == (7, 1) and win.heads_view.selected == 7, tab
        assert win.step_view.query == 7 and win.step_view.drill_head == 7, tab
        assert win.compare_view.graphics.single.focus == (7, 1), tab


def test_language_switch_keeps_the_dock_where_and_as_big_as_it_was(qtbot, english_afterwards):
    """The controls dock keeps the width the user gave it (it came back at most of the window's
    width: the window had no visible central widget for a moment during the rebuild)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    win = _zh_window(qtbot, "en")
    win.resize(1440, 880)
    win.show()
    qtbot.waitExposed(win)
    win.resizeDocks([win.controls_dock], [420], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    before = win.controls_dock.width()
    assert abs(before - 420) <= 2
    for language in ("zh", "en", "zh"):
        win.set_language(language)
        for _ in range(3):
            QApplication.processEvents()
        assert abs(win.controls_dock.width() - before) <= 2, language
        assert win.dockWidgetArea(win.controls_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
        assert win.centralWidget().width() >= 1440 - before - 40


def _causal_tip(win) -> str:
    from PySide6.QtWidgets import QCheckBox

    box = win.controls.findChild(QCheckBox, "causal_check")  # the current panel (old ones are deleted later)
    assert box is not None
    return box.toolTip()


# ---- exported figures ----------------------------------------------------------------------------
def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("text")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_export_follows_lang(tmp_path, lang):
    out = tmp_path / f"{lang}.svg"
    done = subprocess.run([sys.executable, "main.py", "--lang", lang, "export", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    texts = " | ".join(_svg_texts(out))
    if lang == "zh":
        assert "多头注意力" in texts and "注意力权重" in texts, texts
        assert "Multi-head attention" not in texts
    else:
        assert "Multi-head attention" in texts and "attention weight" in texts, texts
        assert not CJK.search(texts.replace("中文", "")), texts


def test_chinese_pdf_embeds_a_simplified_chinese_face(tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    fc = shutil.which("fc-list")
    if fc is None or "SC" not in subprocess.run([fc, ":lang=zh-cn", "family"], capture_output=True,
                                                text=True).stdout:
        pytest.skip("no Simplified Chinese font installed (e.g. fonts-noto-cjk)")
    out = tmp_path / "zh.pdf"
    done = subprocess.run([sys.executable, "main.py", "--lang", "zh", "export", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    cjk = [n for n in names if "CJK" in n or "Han" in n or "SC" in n or "Hei" in n or "YaHei" in n]
    assert cjk, fonts
    assert not any(re.search(r"CJK(jp|JP|kr|KR|tc|TC|hk|HK)", n) or n.endswith(("JP", "KR", "TC")) for n in cjk), fonts
    assert any(re.search(r"(sc|SC)\b|SC-|sc-", n) or "YaHei" in n for n in cjk), fonts
