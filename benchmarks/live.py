"""Drag latency of the live window, offscreen: from a slider value change to the frame painted
with the new matrices.

"view" is the issue's measure: the value change, the recompute, and a synchronous repaint of the
heads grid (its viewport, where the scene is drawn), exactly as the window's update timer does it.
The window then brings the comparison panel up to date on the next event-loop turn; "frame" adds
that (the single-head trace, the comparison matrices) and a synchronous repaint of the panel, i.e.
everything the user sees change on that tab.

    python benchmarks/live.py [--steps 240]

For each configuration (d_model=512, 16 heads, 128 and 256 tokens) it sweeps the three sliders
in a mixed random walk around that point and prints p50/p95/max. Then the same kind of sweep
runs inside the real event loop (a change every 40 ms, timed until the heads grid has painted
through Qt's own update path), then the coalescing check, the start-up time to the first
painted window, and one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from probe import cpu_probe_ms  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARAGRAPH = (
    "Attention lets every token look at every other token and decide how much of each one to mix in. "
    "Multi-head attention splits the model width into several smaller heads, each with its own view. "
)


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def startup_ms() -> float:
    code = (
        "import time; t0 = time.perf_counter(); import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
        "from explorer.app import create_main_window; from PySide6.QtWidgets import QApplication;"
        "w = create_main_window(); w.show(); w.repaint(); QApplication.processEvents();"
        "print((time.perf_counter() - t0) * 1e3)"
    )
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ,
                         "XDG_CONFIG_HOME": os.environ.get("XDG_CONFIG_HOME", "/tmp/ae-bench-config")})
    wall = (time.perf_counter() - t0) * 1e3
    inner = float(out.stdout.strip().splitlines()[-1])
    return wall, inner


def event_loop_latency(win, rng, n: int, steps: int) -> dict:
    """Change a slider every 40 ms inside a running event loop and time each change until the
    heads grid's paintEvent has finished (its ``painted`` signal), as a user dragging would see it.
    A local QEventLoop, not app.exec(): Qt 6's QApplication.quit() closes every window, and a
    hidden window would skip the drawing the later step-through figures are meant to measure."""
    from PySide6.QtCore import QEventLoop, QTimer

    c = win.controls
    c.tokens_slider.setValue(n)
    win.flush()
    times: list[float] = []
    pending = {"t0": None}

    def on_painted(_ms) -> None:
        if pending["t0"] is not None:
            times.append((time.perf_counter() - pending["t0"]) * 1e3)
            pending["t0"] = None

    def step(k: int = 0) -> None:
        if k >= steps:
            loop.quit()
            return
        slider = (c.d_model_slider, c.heads_slider, c.tokens_slider)[k % 3]
        value = (rng.choice([448, 464, 480, 496, 512]), rng.choice([4, 8, 16]), rng.randint(n - 16, n))[k % 3]
        if slider.value() == value:
            value -= 1
        pending["t0"] = time.perf_counter()
        slider.setValue(value)
        QTimer.singleShot(40, lambda: step(k + 1))

    loop = QEventLoop()
    win.heads_view.painted.connect(on_painted)
    QTimer.singleShot(0, step)
    loop.exec()
    win.heads_view.painted.disconnect(on_painted)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 95), 2),
            "steps": len(times)}


def settle(win, app) -> None:
    """Run the event loop until it is idle: the coalescing timers have fired and every posted
    event (the paints they caused, and the layout requests those paints posted) has been
    handled, so no work of this change is left for the next one to pay."""
    from PySide6.QtCore import QEventLoop

    dispatcher = app.eventDispatcher()
    for _ in range(200):
        app.processEvents()
        handled = dispatcher.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        if not handled and not (win._update_timer.isActive() or win._rest_timer.isActive()):
            return


def step_through_latency(win, rng, n: int, steps: int, stage: int = 7) -> dict:
    """With the Step through tab in front at ``stage``: change one control (tokens, heads,
    d_model, seed in turn) and time it until the event loop is idle (recompute, the stage's
    panels, the drill-down, the paint)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    c = win.controls
    c.text_input.setPlainText(PARAGRAPH * 8)
    c.d_model_slider.setValue(512)
    c.heads_slider.setValue(16)
    c.tokens_slider.setValue(n)
    win.show()
    win.tabs.setCurrentIndex(1)
    win.step_view.set_stage(stage)
    settle(win, app)
    win.step_view.repaint()
    # first visits: the step-through keeps a layout per arrangement it showed, so the first time a
    # head count is shown its panels are made (~16 ms each); timed here, apart from the walk
    first: dict[int, float] = {}
    for heads in (4, 8, 16):
        t0 = time.perf_counter()
        c.heads_slider.setValue(heads)
        settle(win, app)
        first[heads] = round((time.perf_counter() - t0) * 1e3, 1)
    times: list[float] = []
    for k in range(steps):
        which = k % 4
        if which == 0:
            widget, value = c.tokens_slider, rng.randint(n - 16, n)
        elif which == 1:
            widget, value = c.heads_slider, rng.choice([4, 8, 16])
        elif which == 2:
            widget, value = c.d_model_slider, rng.choice([448, 480, 512])
        else:
            widget, value = c.seed_spin, rng.randint(0, 10_000)
        if widget.value() == value:
            value = widget.value() - 1 if widget.value() > widget.minimum() else widget.value() + 1
        t0 = time.perf_counter()
        widget.setValue(value)
        settle(win, app)
        # settle() ran the event loop until idle: the posted paints of the tab included, so no extra
        # synchronous repaint (that painted every widget of the tab a second time)
        times.append((time.perf_counter() - t0) * 1e3)
        drawn = getattr(win.step_view, "_drawn", (None,))[0]
        if drawn is not win.state.pair():  # a figure for a step-through that did not draw would be a lie
            raise SystemExit(f"the step-through did not draw change {k} (window visible: {win.isVisible()})")
    win.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    by = {name: [t for k, t in enumerate(times) if k % 4 == i] for i, name in
          enumerate(("tokens", "heads", "d_model", "seed"))}
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 95), 2),
            "max_ms": round(max(times), 2), "steps": len(times),
            "p95_by_control_ms": {name: round(percentile(v, 95), 1) for name, v in by.items() if v},
            "first_visit_ms": first}


def _cache_real_bytes() -> int:
    """The bytes of the distinct arrays the engine's caches hold (a view counts its base array
    once, however many entries share it): the memory the byte budget's accounting stands for."""
    import numpy as np

    from explorer.engine.attention import Trace, _LazyV
    from explorer.engine.cache import DEFAULT_BUDGET

    seen: dict[int, int] = {}

    def walk(v) -> None:
        if isinstance(v, np.ndarray):
            while isinstance(v.base, np.ndarray):
                v = v.base
            seen[id(v)] = v.nbytes
        elif isinstance(v, (tuple, list)):
            for x in v:
                walk(x)
        elif isinstance(v, Trace):
            for x in v.__dict__.values():
                walk(x)
        elif isinstance(v, _LazyV):
            for name in v.__slots__:
                walk(getattr(v, name, None))

    for (_, key), (owner, _) in list(DEFAULT_BUDGET._order.items()):
        walk(owner._data.get(key))
    return sum(seen.values())


def rss_growth(win, rng, changes: int) -> dict:
    """RSS of this process after the first window is up, then after ``changes`` random control
    changes (d_model, heads, tokens, seed, temperature, text between a few paragraphs), each
    drawn (flush) as the window would: the growth is what the caches and the allocator keep.

    RSS is read after every change (the peak is the drag's, not a sample's); at each new peak
    the heap (glibc mallinfo2: bytes in use, free bytes kept) and the engine's caches (bytes
    accounted against the budget, bytes of the distinct arrays they really hold) are recorded."""
    import psutil
    from PySide6.QtWidgets import QApplication

    from explorer.engine import memory
    from explorer.engine.cache import DEFAULT_BUDGET

    proc = psutil.Process()
    c = win.controls
    texts = [PARAGRAPH * 8, PARAGRAPH.upper() * 6, " ".join(f"w{i}" for i in range(300)), "The cat sat on the mat."]
    QApplication.processEvents()
    mb = 2**20
    heap0 = memory.heap_info() or {"in_use": 0, "free": 0}
    start = proc.memory_info().rss
    peak = start
    at_peak: dict = {}
    samples = []
    trims0, trim_ms0 = memory.stats["trims"], memory.stats["trim_ms"]
    max_real = 0
    for k in range(changes):
        which = rng.randrange(6)
        if which == 0:
            c.d_model_slider.setValue(rng.randint(c.d_model_slider.minimum(), c.d_model_slider.maximum()))
        elif which == 1:
            c.heads_slider.setValue(rng.randint(c.heads_slider.minimum(), c.heads_slider.maximum()))
        elif which == 2:
            c.tokens_slider.setValue(rng.randint(c.tokens_slider.minimum(), c.tokens_slider.maximum()))
        elif which == 3:
            c.seed_spin.setValue(rng.randint(0, 100_000))
        elif which == 4:
            c.temperature_spin.setValue(rng.uniform(c.temperature_spin.minimum(), c.temperature_spin.maximum()))
        elif rng.random() < 0.05:
            c.text_input.setPlainText(rng.choice(texts))
        win.flush()
        if k % 10 == 0:
            QApplication.processEvents()
        rss = proc.memory_info().rss
        if rss > peak:
            peak = rss
            heap = memory.heap_info() or {"in_use": 0, "free": 0}
            at_peak = {"change": k, "heap_in_use_growth_mb": round((heap["in_use"] - heap0["in_use"]) / mb, 1),
                       "heap_free_mb": round(heap["free"] / mb, 1),
                       "cache_accounted_mb": round(DEFAULT_BUDGET.used / mb, 1),
                       "cache_real_mb": round(_cache_real_bytes() / mb, 1)}
        if k % 100 == 0 or k == changes - 1:
            max_real = max(max_real, _cache_real_bytes())
            samples.append(round((rss - start) / mb, 1))
    end = proc.memory_info().rss
    trims, trim_ms = memory.stats["trims"] - trims0, memory.stats["trim_ms"] - trim_ms0
    # then the user stops: after the window's idle moment (it hands freed memory back)
    t_end = time.perf_counter() + 2.0
    while time.perf_counter() < t_end:
        QApplication.processEvents()
        time.sleep(0.02)
    idle = proc.memory_info().rss
    return {"changes": changes, "start_mb": round(start / mb, 1), "end_mb": round(end / mb, 1),
            "growth_mb": round((end - start) / mb, 1), "peak_growth_mb": round((peak - start) / mb, 1),
            "growth_after_idle_mb": round((idle - start) / mb, 1), "at_peak": at_peak,
            "cache_budget_mb": round(DEFAULT_BUDGET.max_bytes / mb, 1),
            "cache_real_max_sampled_mb": round(max_real / mb, 1),
            "trims_during_drag": trims, "trim_ms_total": round(trim_ms, 1),
            "growth_every_100_mb": samples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=240)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--step-only", action="store_true", help="only the step-through figures")
    ap.add_argument("--rss", type=int, default=0, metavar="CHANGES",
                    help="only the memory figure: RSS growth over this many random control changes (e.g. 3000)")
    ap.add_argument("--trim-after-frame", action="store_true",
                    help="also check the heap's kept memory after every complete frame (wraps the window's "
                         "flush_rest with explorer.engine.memory.trim_if_slack: the change proposed for MainWindow)")
    args = ap.parse_args()
    os.environ.setdefault("XDG_CONFIG_HOME", "/tmp/ae-bench-config")

    from PySide6.QtWidgets import QApplication

    from explorer.app import create_main_window

    probe = cpu_probe_ms()
    print(f"cpu probe {probe} ms (see benchmarks/probe.py)")
    win = create_main_window()
    if args.trim_after_frame and not getattr(type(win), "TRIMS_AFTER_FRAME", False):
        from explorer.engine.memory import trim_if_slack

        flush_rest = win.flush_rest

        def flush_rest_then_trim() -> None:
            flush_rest()
            trim_if_slack()

        win.flush_rest = flush_rest_then_trim  # the window's own calls and its rest timer's
        win._rest_timer.timeout.disconnect()
        win._rest_timer.timeout.connect(win.flush_rest)
        print("emulating the proposed MainWindow change: trim_if_slack() after every frame (flush_rest)")
    win.resize(1440, 880)
    win.show()
    QApplication.processEvents()
    c = win.controls
    rng = random.Random(args.seed)
    results = {}
    if args.rss:
        mem = rss_growth(win, rng, args.rss)
        print(f"RSS from the first window: {mem['start_mb']} MB -> {mem['end_mb']} MB after {mem['changes']} changes: "
              f"growth {mem['growth_mb']} MB (peak during the drag {mem['peak_growth_mb']} MB, read after every "
              f"change; target <= 60 MB)")
        print(f"after the window's idle moment: growth {mem['growth_after_idle_mb']} MB")
        p = mem["at_peak"]
        if p:
            print(f"at the peak (change {p['change']}): heap in use +{p['heap_in_use_growth_mb']} MB, free heap kept "
                  f"{p['heap_free_mb']} MB (resident or trimmed); engine caches {p['cache_real_mb']} MB of arrays, "
                  f"accounted {p['cache_accounted_mb']} MB of the {mem['cache_budget_mb']} MB budget")
        print(f"engine caches' arrays, largest of the samples every 100 changes: "
              f"{mem['cache_real_max_sampled_mb']} MB; "
              f"heap trims during the drag: {mem['trims_during_drag']} ({mem['trim_ms_total']} ms in malloc_trim)")
        print(json.dumps({"benchmark": "live-rss", **mem}))
        return
    if args.step_only:
        for n in (128, 256):
            row = step_through_latency(win, rng, n, max(40, args.steps // 3))
            print(f"step through, stage 7, d_model=512 h=16 n={n}: p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
                  f"max {row['max_ms']} ms ({row['steps']} steps); p95 per control {row['p95_by_control_ms']}; "
                  f"first visit of a head count {row['first_visit_ms']}")
        return
    for n in (128, 256):
        c.text_input.setPlainText(PARAGRAPH * 8)
        c.d_model_slider.setValue(512)
        c.heads_slider.setValue(16)
        c.tokens_slider.setValue(n)
        win.flush()
        QApplication.processEvents()
        times, frames, heads_paint = [], [], []
        for step in range(args.steps):
            which = step % 3
            if which == 0:
                slider, value = c.d_model_slider, rng.choice([448, 464, 480, 496, 512])
            elif which == 1:
                slider, value = c.heads_slider, rng.choice([4, 8, 16])
            else:
                slider, value = c.tokens_slider, rng.randint(n - 16, n)
            if slider.value() == value:
                value = slider.value() - 1 if slider.value() > slider.minimum() + 1 else slider.value() + 1
            t0 = time.perf_counter()
            slider.setValue(value)  # the state changes, the window is marked dirty
            win.flush(defer_rest=True)  # what the update timer runs: recompute, new matrices to the grid
            win.heads_view.viewport().repaint()  # synchronous paint of the scene
            t1 = time.perf_counter()
            win.flush_rest()  # what the next event-loop turn runs: the comparison panel's data
            win.compare_view.graphics.viewport().repaint()
            t2 = time.perf_counter()
            times.append((t1 - t0) * 1e3)
            frames.append((t2 - t0) * 1e3)
            heads_paint.append(win.heads_view.last_paint_ms)
        row = {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
            "max_ms": round(max(times), 2),
            "frame_p50_ms": round(statistics.median(frames), 2),
            "frame_p95_ms": round(percentile(frames, 95), 2),
            "heads_paint_p50_ms": round(statistics.median(heads_paint), 2),
            "steps": len(times),
        }
        results[f"d512_h16_n{n}"] = row
        print(f"d_model=512 h=16 n={n}: view p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  max {row['max_ms']} ms; "
              f"frame p50 {row['frame_p50_ms']} ms  p95 {row['frame_p95_ms']} ms "
              f"(heads grid paint p50 {row['heads_paint_p50_ms']} ms, {len(times)} steps)")
    # the same kind of sweep through the real event loop: a value change every 40 ms (a drag),
    # timed until the heads grid has painted itself through Qt's own update path
    loop = event_loop_latency(win, rng, n=128, steps=max(60, args.steps // 2))
    print(f"event loop, n=128: value change -> heads grid painted p50 {loop['p50_ms']} ms  p95 {loop['p95_ms']} ms "
          f"({loop['steps']} steps; includes the timer turn and the other widgets painted in the same frame)")
    # the step-through in front at stage 7: any control, until the event loop is idle
    for n in (128, 256):
        row = step_through_latency(win, rng, n, max(40, args.steps // 3))
        results[f"step7_d512_h16_n{n}"] = row
        print(f"step through, stage 7, d_model=512 h=16 n={n}: change -> idle p50 {row['p50_ms']} ms  "
              f"p95 {row['p95_ms']} ms  max {row['max_ms']} ms ({row['steps']} steps); p95 per control "
              f"{row['p95_by_control_ms']}; first visit of a head count {row['first_visit_ms']}")
    # coalescing: 100 value changes without an event loop turn, then one turn draws once
    before = win.frames_drawn
    for v in range(300, 400):
        c.d_model_slider.setValue(v)
    QApplication.processEvents()
    coalesced = win.frames_drawn - before
    print(f"coalescing: 100 slider changes in one event-loop turn -> {coalesced} frame(s) drawn")
    wall, inner = startup_ms()
    print(f"start-up to first painted window: {inner:.0f} ms in-process, {wall:.0f} ms including interpreter start")
    print("targets: p95 <= 16 ms at 128 tokens, <= 33 ms at 256 tokens; start-up <= 1500 ms; "
          "step through p95 <= 33 ms at 128 tokens, <= 50 ms at 256 tokens")
    print(json.dumps({"benchmark": "live", "cpu_probe_ms": probe, "results": results, "event_loop_n128": loop,
                      "coalesced_frames": coalesced,
                      "startup_ms": round(wall), "startup_in_process_ms": round(inner)}))


if __name__ == "__main__":
    main()
