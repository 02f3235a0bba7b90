"""The File menu's export actions: image, all heads, clipboard, data and the step-through handout.

``ExportController(window)`` adds the actions to ``window.file_menu`` (before Quit). Every dialog
is one method (``ask_save_path``, ``ask_folder``, ``ask_scale``, ``ask_format``,
``confirm_overwrite``, ``show_error``) so tests can replace it; the ``*_to`` methods do the work
without any dialog and return True on success. Failures are shown as one sentence in a message
box, never a traceback, and never leave a partial file (see ``explorer.atomic``).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from ..atomic import DATA_SUFFIXES, ExportError, check_target

SETTINGS_KEY = "export/last_folder"
SCALES = (1, 2, 3, 4)
DEFAULT_SCALE = 2


class _NothingYet(ExportError):
    """No picture yet (empty text, or a model still running)."""


class ExportController(QObject):
    """Owns the export actions of a MainWindow."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("export_controller")
        self.window = window
        self.export_image_action = self._action(
            "export_image_action", self.tr("Export &image…"), self.tr(
                "Save the current view (heads grid, comparison or the current step) as PNG, SVG or PDF, "
                "with a caption of every setting (Ctrl+E)"), self.export_image, QKeySequence("Ctrl+E"))
        self.export_heads_action = self._action(
            "export_heads_action", self.tr("Export all &heads…"), self.tr(
                "Save one image per head (head_01, head_02, …) into a folder"), self.export_heads)
        self.copy_image_action = self._action(
            "copy_image_action", self.tr("&Copy image"), self.tr(
                "Copy the current view, with its caption, to the clipboard (Ctrl+Shift+C)"), self.copy_image,
            QKeySequence("Ctrl+Shift+C"))
        self.export_data_action = self._action(
            "export_data_action", self.tr("Export &data…"), self.tr(
                "Save the numbers: every array (NPZ), the weights in long format (CSV) or config, tokens and "
                "weights (JSON)"), self.export_data)
        self.export_handout_action = self._action(
            "export_handout_action", self.tr("Export &step-through…"), self.tr(
                "Save all 11 stages as a handout: a PDF with one page per stage, or numbered PNGs"),
            self.export_handout)
        self.actions = [self.export_image_action, self.export_heads_action, self.copy_image_action,
                        self.export_data_action, self.export_handout_action]
        self._install()

    def _action(self, name: str, text: str, tip: str, slot, shortcut: QKeySequence | None = None) -> QAction:
        act = QAction(text, self.window)
        act.setObjectName(name)
        act.setToolTip(tip)
        act.setStatusTip(tip)
        if shortcut is not None:
            act.setShortcut(shortcut)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda checked=False: slot())
        return act

    def _install(self) -> None:
        menu = self.window.file_menu
        menu.setToolTipsVisible(True)
        before = self._quit_action(menu.actions())
        menu.insertActions(before, self.actions)
        if before is not None:
            menu.insertSeparator(before)

    def _quit_action(self, actions: list[QAction]) -> QAction | None:
        """The window's Quit action, else None (the exports then go last)."""
        return self.window.quit_action if self.window.quit_action in actions else None

    # ---- dialogs (one method each, so tests can replace them) ---------------------------------
    def ask_save_path(self, title: str, filters: str, suggested: str) -> str | None:
        """A save dialog; the overwrite question is ours (``confirm_overwrite``). A name typed
        without a suffix gets the chosen filter's suffix."""
        path, chosen = QFileDialog.getSaveFileName(self.window, title, suggested, filters, "",
                                                   QFileDialog.Option.DontConfirmOverwrite)
        if not path:
            return None
        if not Path(path).suffix and "*." in chosen:
            path += "." + chosen.split("*.", 1)[1].split(")", 1)[0].split()[0]
        return path

    def ask_folder(self) -> str | None:
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Export all heads into a folder"),
                                                  self.last_folder())
        return folder or None

    def ask_scale(self) -> float | None:
        """The PNG pixel scale, 1× to 4× (None if cancelled)."""
        items = [self.tr("{0}× ({1} pixels per unit)").format(s, s) for s in SCALES]
        item, ok = QInputDialog.getItem(self.window, self.tr("PNG resolution"),
                                        self.tr("Pixel scale of the image:"), items, SCALES.index(DEFAULT_SCALE),
                                        False)
        if not ok:
            return None
        return float(SCALES[items.index(item)])

    def ask_format(self) -> str | None:
        """The image format for the one-per-head export (None if cancelled)."""
        formats = ["png", "svg", "pdf"]
        item, ok = QInputDialog.getItem(self.window, self.tr("Export all heads"), self.tr("Image format:"),
                                        [f.upper() for f in formats], 0, False)
        return item.lower() if ok else None

    def confirm_overwrite(self, path: str) -> bool:
        answer = QMessageBox.question(
            self.window, self.tr("Replace file?"),
            self.tr("{0} already exists. Do you want to replace it?").format(path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self.window, self.tr("Export failed"), message)

    # ---- remembered folder --------------------------------------------------------------------
    def last_folder(self) -> str:
        folder = self.window.settings.value(SETTINGS_KEY, "", type=str)
        if folder and Path(folder).is_dir():
            return folder
        return str(Path.home())

    def remember_folder(self, folder) -> None:
        self.window.settings.setValue(SETTINGS_KEY, str(Path(folder).resolve()))
        self.window.settings.sync()

    def _suggest(self, name: str) -> str:
        return str(Path(self.last_folder()) / name)

    # ---- what is showing ----------------------------------------------------------------------
    def current_view(self) -> tuple[str, int]:
        """("heads" | "compare" | "step", stage) for the view the user is looking at: the current
        stage on the step-through tab; on the heads tab the comparison if it has the focus, else
        the heads grid."""
        w = self.window
        current = w.tabs.currentWidget()

        def inside(widget) -> bool:
            return widget is not None and current is not None and (current is widget or current.isAncestorOf(widget))

        step = getattr(w, "step_view", None)
        if inside(step):
            return "step", int(getattr(step, "stage", 7))
        if hasattr(w, "view_name_of_tab") and w.tabs.currentIndex() > 0:
            name = w.view_name_of_tab(w.tabs.currentIndex())
            if name:
                return name, 7
        compare, heads = getattr(w, "compare_view", None), getattr(w, "heads_view", None)
        if inside(compare):
            focus = QApplication.focusWidget()
            has_focus = focus is not None and (focus is compare or compare.isAncestorOf(focus))
            if not inside(heads) or has_focus:
                return "compare", 7
        return "heads", 7

    def _default_name(self) -> str:
        view, stage = self.current_view()
        return f"stage{stage}" if view == "step" else view

    def _figure_extras(self, view: str) -> dict:
        """The caption (a model source names itself) and, for views exported as drawn, the
        live widget and its title."""
        from .views.registry import VIEWS

        w = self.window
        extras: dict = {"caption": w.caption() if hasattr(w, "caption") else None}
        spec = VIEWS.get(view)
        if spec is not None and not spec.figure:
            extras["widget"] = w.views.get(view)
            extras["title"] = QCoreApplication.translate("Views", spec.title)
        return extras

    # ---- running an export --------------------------------------------------------------------
    def _pair(self):
        pair = getattr(self.window, "pair", None)
        if pair is None:
            raise _NothingYet(self.tr("There is nothing to export yet: enter some text first, or wait for the "
                                      "model to finish."))
        return pair

    def _run(self, work, done_message: str | None = None) -> bool:
        """Run ``work()`` with a busy cursor; show any failure as one sentence."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            work()
        except _NothingYet as e:  # not a failure: said in the status bar, no dialog
            QApplication.restoreOverrideCursor()
            self.window.statusBar().showMessage(str(e), 5000)
            return False
        except ExportError as e:
            QApplication.restoreOverrideCursor()
            self.show_error(str(e))
            return False
        except Exception as e:  # a bug must not crash the window or show a traceback
            QApplication.restoreOverrideCursor()
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            self.show_error(self.tr("Could not export: {0}").format(reason))
            return False
        QApplication.restoreOverrideCursor()
        if done_message:
            self.window.statusBar().showMessage(done_message, 5000)
        return True

    def _ask_file(self, title: str, filters: str, name: str, targets=None) -> Path | None:
        """The save path (None if cancelled or the user keeps an existing file)."""
        chosen = self.ask_save_path(title, filters, self._suggest(name))
        if not chosen:
            return None
        path = Path(chosen)
        for target in (targets(path) if targets else [path]):
            if target.exists() and not target.is_dir():
                if not self.confirm_overwrite(str(target)):
                    return None
                break  # one question for the whole set
        return path

    # ---- work without dialogs -----------------------------------------------------------------
    def export_image_to(self, path, scale: float = DEFAULT_SCALE, view: str | None = None,
                        stage: int | None = None) -> bool:
        from .export import export_figure

        cur_view, cur_stage = self.current_view()
        view = view or cur_view
        stage = cur_stage if stage is None else stage

        def work() -> None:
            pair = self._pair()
            export_figure(pair, path, view=view, stage=stage, scale=scale, **self._figure_extras(view))

        ok = self._run(work, self.tr("Exported {0}").format(path))
        if ok:
            self.remember_folder(Path(path).parent)
        return ok

    def export_data_to(self, path) -> bool:
        from ..export_data import write_data

        def work() -> None:
            pair = self._pair()
            p = Path(path)
            if p.suffix.lower() not in DATA_SUFFIXES:
                got = f"'{p.suffix}'" if p.suffix else self.tr("no suffix")
                raise ExportError(self.tr("Unknown data type ({0}) for {1}: use one of {2}.").format(
                    got, p, ", ".join(DATA_SUFFIXES)))
            check_target(p, force=True)
            write_data(pair, p)

        ok = self._run(work, self.tr("Exported {0}").format(path))
        if ok:
            self.remember_folder(Path(path).parent)
        return ok

    def export_heads_to(self, folder, fmt: str = "png", scale: float = DEFAULT_SCALE) -> bool:
        from .export import export_heads_separately

        written = []

        def work() -> None:
            written.extend(export_heads_separately(self._pair(), folder, fmt, scale=scale,
                                                   caption=self.window.caption()))

        ok = self._run(work)
        if ok:
            self.remember_folder(folder)
            self.window.statusBar().showMessage(
                self.tr("Exported {0} heads into {1}").format(len(written), folder), 5000)
        return ok

    def export_handout_to(self, path, scale: float = DEFAULT_SCALE) -> bool:
        from .export import export_handout

        ok = self._run(lambda: export_handout(self._pair(), path, scale=scale, caption=self.window.caption()),
                       self.tr("Exported {0}").format(path))
        if ok:
            self.remember_folder(Path(path).parent)
        return ok

    def copy_image(self) -> bool:
        """Copy the current view's figure (with its caption) to the clipboard."""
        from .export import build_figure, render_image

        def work() -> None:
            view, stage = self.current_view()
            image = render_image(build_figure(self._pair(), view, stage, **self._figure_extras(view)), DEFAULT_SCALE)
            QGuiApplication.clipboard().setImage(image)

        return self._run(work, self.tr("Copied the image to the clipboard"))

    # ---- the menu actions ---------------------------------------------------------------------
    def describe_view(self) -> str:
        """What Export image will write, in words (the dialog's title says it)."""
        from .views.registry import VIEWS

        view, stage = self.current_view()
        if view == "heads":
            return self.tr("the heads grid")
        if view == "compare":
            return self.tr("the single vs multi comparison, with its metrics")
        if view == "step":
            return self.tr("step {0} of the step-through").format(stage)
        spec = VIEWS.get(view)
        return QCoreApplication.translate("Views", spec.title) if spec is not None else view

    def export_image(self) -> bool:
        filters = self.tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)")
        path = self._ask_file(self.tr("Export image: {0}").format(self.describe_view()), filters,
                              self._default_name() + ".png")
        if path is None:
            return False
        scale = DEFAULT_SCALE
        if path.suffix.lower() == ".png":
            scale = self.ask_scale()
            if scale is None:
                return False
        return self.export_image_to(path, scale)

    def export_heads(self) -> bool:
        folder = self.ask_folder()
        if not folder:
            return False
        fmt = self.ask_format()
        if not fmt:
            return False
        scale = DEFAULT_SCALE
        if fmt == "png":
            scale = self.ask_scale()
            if scale is None:
                return False
        pair = getattr(self.window, "pair", None)
        if pair is not None:
            from .export import head_file_names

            existing = [n for n in head_file_names(pair.multi.n_heads, fmt) if (Path(folder) / n).exists()]
            if existing and not self.confirm_overwrite(str(Path(folder) / existing[0])):
                return False
        return self.export_heads_to(folder, fmt, scale)

    def export_data(self) -> bool:
        filters = self.tr("NumPy arrays (*.npz);;CSV, long format (*.csv);;JSON (*.json)")
        path = self._ask_file(self.tr("Export data"), filters, "attention.npz")
        if path is None:
            return False
        return self.export_data_to(path)

    def export_handout(self) -> bool:
        from .export import handout_paths

        filters = self.tr("PDF, one page per stage (*.pdf);;PNG, one image per stage (*.png)")
        path = self._ask_file(self.tr("Export step-through"), filters, "step-through.pdf", handout_paths)
        if path is None:
            return False
        return self.export_handout_to(path)


__all__ = ["ExportController", "SETTINGS_KEY"]
