"""Figure export (explorer.ui.export): every file is read back and checked — PNG pixels and size,
SVG text and embedded images, PDF pages — plus the atomic, all-or-nothing writing and the CLI."""
from __future__ import annotations

import base64
import errno
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from explorer.atomic import ExportError
from explorer.engine import AttentionConfig, compute_pair, tokenize
from explorer.export_data import config_caption
from explorer.limits import DEFAULT_TEXT
from explorer.ui import export
from explorer.ui.export import (
    FIGURE_SIZES,
    HANDOUT_SIZE,
    build_figure,
    export_figure,
    export_handout,
    export_heads_separately,
    render_image,
)

REPO = Path(__file__).resolve().parents[2]
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture
def pair(qapp):
    return compute_pair(AttentionConfig(d_model=64, n_heads=8), tokenize(DEFAULT_TEXT))


@pytest.fixture
def small_pair(qapp):
    cfg = AttentionConfig(d_model=12, n_heads=3, seed=5, causal=True, temperature=0.5)
    return compute_pair(cfg, tokenize("one two three four five"))


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def pdf_pages(data: bytes) -> int:
    """Page objects (/Type /Page, not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def png_size(path: Path) -> tuple[int, int]:
    img = QImage(str(path))
    assert not img.isNull(), path
    return img.width(), img.height()


def expected_px(view: str, scale: float) -> tuple[int, int]:
    w, h = FIGURE_SIZES[view]
    return round(w * scale), round(h * scale)


def image_array(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_ARGB32)
    ptr = img.constBits()
    return np.frombuffer(ptr, np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4].reshape(
        img.height(), img.width(), 4).copy()


# ---- PNG -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("view,scale", [("heads", 1), ("heads", 2), ("heads", 2.5), ("compare", 3), ("step", 1)])
def test_png_size_follows_the_scale(pair, tmp_path, view, scale):
    out = tmp_path / f"{view}.png"
    export_figure(pair, out, view=view, stage=4, scale=scale)
    assert png_size(out) == expected_px(view, scale)
    assert entries(tmp_path) == [out.name]  # no temporary file left over


def test_png_same_options_same_pixels(pair, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    export_figure(pair, a, scale=2)
    export_figure(pair, b, scale=2)
    ia, ib = QImage(str(a)), QImage(str(b))
    assert ia.size() == ib.size()
    assert np.array_equal(image_array(ia), image_array(ib))


def test_png_unchanged_by_exports_in_between(pair, small_pair, tmp_path):
    """The offscreen views are re-used: other exports (vectors, other head counts) in between
    must not change the pixels."""
    export_figure(pair, tmp_path / "a.png", scale=1)
    for view in ("heads", "compare"):
        export_figure(small_pair, tmp_path / f"x_{view}.svg", view=view)
        export_figure(pair, tmp_path / f"y_{view}.pdf", view=view)
    export_heads_separately(pair, tmp_path, "svg")
    export_figure(pair, tmp_path / "b.png", scale=1)
    assert np.array_equal(image_array(QImage(str(tmp_path / "a.png"))), image_array(QImage(str(tmp_path / "b.png"))))


def test_png_differs_when_the_data_does(pair, small_pair, tmp_path):
    export_figure(pair, tmp_path / "a.png", scale=1)
    other = compute_pair(AttentionConfig(d_model=64, n_heads=8, seed=1), tokenize(DEFAULT_TEXT))
    export_figure(other, tmp_path / "b.png", scale=1)
    assert not np.array_equal(image_array(QImage(str(tmp_path / "a.png"))),
                              image_array(QImage(str(tmp_path / "b.png"))))


def test_png_cells_are_crisp_blocks(pair):
    """Inside every matrix cell all pixels have one colour: no smoothing between cells (bilinear
    smoothing would ramp across the whole cell). The outer 30% of a cell is left out: the inward
    tick marks of the axes end there."""
    fig = build_figure(pair, "heads")
    scale = 2
    img = image_array(render_image(fig, scale))
    item = fig.graphics.images[0]
    r = item.mapRectToScene(item.boundingRect()).translated(fig.graphics_rect.topLeft())
    n = pair.multi.n
    cw, ch = r.width() / n * scale, r.height() / n * scale
    assert cw > 8 and ch > 8
    colours = set()
    for row in range(n):
        for col in range(n):
            x0, y0 = r.left() * scale + col * cw, r.top() * scale + row * ch
            block = img[int(np.ceil(y0 + 0.3 * ch)): int(np.floor(y0 + 0.7 * ch)),
                        int(np.ceil(x0 + 0.3 * cw)): int(np.floor(x0 + 0.7 * cw))]
            assert block.size
            flat = block.reshape(-1, 4)
            assert (flat == flat[0]).all(), (row, col)
            colours.add(tuple(flat[0]))
    assert len(colours) > n  # a heatmap, not a blank panel


def test_png_has_title_caption_and_colour_bar(pair):
    fig = build_figure(pair, "heads")
    assert "8 heads" in fig.title
    assert fig.caption.startswith(config_caption(pair.multi.config, pair.multi.n))
    for part in ("d_model=64", "h=8", "d_k=8", "n=12", "seed=0", "mask=none", "scaling=1/√d_k", "T=1"):
        assert part in fig.caption
    img = image_array(render_image(fig, 1))
    title = img[int(fig.title_rect.top()):int(fig.title_rect.bottom()), :400]
    caption = img[int(fig.caption_rect.top()):int(fig.caption_rect.bottom()), :400]
    for band in (title, caption):
        assert (band[..., :3] < 128).any(), "no dark text drawn"
    # the colour bar sits right of the grid and has the colour map's ends
    bar = fig.graphics.colorbar
    br = bar.mapRectToScene(bar.boundingRect()).translated(fig.graphics_rect.topLeft())
    g = fig.graphics_rect
    # laid out over the whole area before the first paint, not at a default widget size
    assert br.right() > g.right() - 80 and br.bottom() > g.bottom() - 80 and br.height() > 0.8 * g.height()
    last = fig.graphics.images[-1]
    lr = last.mapRectToScene(last.boundingRect()).translated(g.topLeft())
    assert lr.bottom() > g.bottom() - 60 and lr.right() > g.right() - 200  # the key labels sit below it
    strip = img[int(br.top()) + 5:int(br.bottom()) - 5, int(br.left()):int(br.right())]
    assert len({tuple(p) for p in strip.reshape(-1, 4)}) > 50


@pytest.mark.parametrize("view", ["heads", "compare", "step"])
def test_views_fill_the_figure_before_any_paint(pair, view):
    """The offscreen view is laid out at the figure's size, not at a default widget size."""
    fig = build_figure(pair, view, 7)
    g = fig.graphics
    names = ("colorbar", "weights_bar", "diff_bar", "metrics_item")  # the comparison's metrics sit at its foot
    items = list(g.images if hasattr(g, "images") else g.plots) + [getattr(g, n) for n in names
                                                                    if getattr(g, n, None) is not None]
    rects = [it.sceneBoundingRect() for it in items]
    assert max(r.right() for r in rects) > fig.graphics_rect.width() - 60
    assert max(r.bottom() for r in rects) > fig.graphics_rect.height() - 60


def test_png_scale_out_of_range_is_an_error(pair, tmp_path):
    for scale in (0.5, 4.5, float("nan")):
        with pytest.raises(ExportError, match="scale"):
            export_figure(pair, tmp_path / "x.png", scale=scale)
    assert entries(tmp_path) == []


# ---- SVG -----------------------------------------------------------------------------------------
def svg_texts(root) -> list[str]:
    return ["".join(e.itertext()).strip() for e in root.iter(SVG_NS + "text")]


@pytest.mark.parametrize("view", ["heads", "compare", "step"])
def test_svg_parses_with_token_labels_as_text(pair, tmp_path, view):
    out = tmp_path / f"{view}.svg"
    export_figure(pair, out, view=view, stage=7)
    root = ET.parse(out).getroot()
    texts = svg_texts(root)
    for token in pair.multi.tokens:
        assert token in texts, token  # the row labels: real text, not pixels
    joined = " ".join(texts)
    assert "d_model=64" in joined and "seed=0" in joined and "mask=none" in joined
    if view == "heads":  # the panel titles are text too
        assert [f"Head {i + 1}" for i in range(pair.multi.n_heads)] == [t for t in texts if t.startswith("Head ")]
    images = list(root.iter(SVG_NS + "image"))
    assert images, "the heatmaps are embedded images"
    for im in images:
        assert "pixelated" in im.get("style", "")


def test_svg_heatmaps_are_upscaled_blocks(small_pair, tmp_path):
    out = tmp_path / "h.svg"
    export_figure(small_pair, out)
    root = ET.parse(out).getroot()
    n = small_pair.multi.n
    checked = 0
    for im in root.iter(SVG_NS + "image"):
        if (im.get("width"), im.get("height")) != (str(n), str(n)):
            continue  # the colour bar's gradient
        data = im.get(XLINK_HREF).split(",", 1)[1]
        img = QImage.fromData(base64.b64decode(data))
        assert img.width() % n == 0 and img.width() >= n * export.VECTOR_MIN_CELL_PX
        k = img.width() // n
        a = image_array(img)
        blocks = a.reshape(n, k, n, k, 4)
        assert (blocks == blocks[:, :1, :, :1]).all()  # every cell is one colour
        checked += 1
    assert checked == small_pair.multi.n_heads


# ---- PDF -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("view", ["heads", "compare", "step"])
def test_pdf_one_page_lossless(pair, tmp_path, view):
    out = tmp_path / f"{view}.pdf"
    export_figure(pair, out, view=view)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) == 1
    assert b"/DCTDecode" not in data  # heatmaps are not JPEG-compressed
    assert b"/Interpolate true" not in data


def test_handout_pdf_has_eleven_pages(pair, tmp_path):
    out = tmp_path / "handout.pdf"
    assert export_handout(pair, out) == [out]
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) == 11
    assert entries(tmp_path) == ["handout.pdf"]


def test_handout_pngs_are_numbered(small_pair, tmp_path):
    out = tmp_path / "steps.png"
    written = export_handout(small_pair, out, scale=1)
    names = [f"steps_{k:02d}.png" for k in range(11)]
    assert [p.name for p in written] == names
    assert entries(tmp_path) == names
    for p in written:
        assert png_size(p) == HANDOUT_SIZE
    # not eleven copies of one page
    assert len({p.read_bytes() for p in written}) == 11


def test_handout_pngs_all_or_nothing(small_pair, tmp_path, disk_full_on_write):
    keep = tmp_path / "steps_03.png"
    keep.write_bytes(b"old")
    disk_full_on_write(5)
    with pytest.raises(ExportError, match="disk is full"):
        export_handout(small_pair, tmp_path / "steps.png", scale=1)
    assert entries(tmp_path) == ["steps_03.png"]
    assert keep.read_bytes() == b"old"


def test_handout_unknown_suffix(small_pair, tmp_path):
    with pytest.raises(ExportError, match=r"\.pdf"):
        export_handout(small_pair, tmp_path / "h.svg")
    assert entries(tmp_path) == []


# ---- each head -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_heads_separately_writes_h_files(small_pair, tmp_path, fmt):
    written = export_heads_separately(small_pair, tmp_path, fmt, scale=1)
    names = [f"head_{i:02d}.{fmt}" for i in (1, 2, 3)]
    assert [p.name for p in written] == names and entries(tmp_path) == names
    for i, p in enumerate(written):
        if fmt == "png":
            assert png_size(p) == FIGURE_SIZES["head"]
        elif fmt == "svg":
            texts = " ".join(svg_texts(ET.parse(p).getroot()))
            assert f"Head {i + 1} of 3" in texts and "d_model=12" in texts
        else:
            assert pdf_pages(p.read_bytes()) == 1
    if fmt == "png":
        assert len({p.read_bytes() for p in written}) == 3


def test_heads_separately_errors(small_pair, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        export_heads_separately(small_pair, tmp_path / "missing")
    with pytest.raises(ExportError, match="Unknown image type"):
        export_heads_separately(small_pair, tmp_path, "gif")
    assert entries(tmp_path) == []


# ---- failures leave nothing behind ---------------------------------------------------------------
@pytest.mark.parametrize("name,fragment", [
    ("x.gif", "Unknown image type"), ("x", "no suffix"), ("missing/x.png", "does not exist"),
])
def test_bad_targets(pair, tmp_path, name, fragment):
    with pytest.raises(ExportError, match=fragment):
        export_figure(pair, tmp_path / name)
    assert entries(tmp_path) == []


def test_bad_view_and_stage(pair, tmp_path):
    with pytest.raises(ExportError, match="Unknown view"):
        export_figure(pair, tmp_path / "x.png", view="grid")
    with pytest.raises(ExportError, match="stage"):
        export_figure(pair, tmp_path / "x.png", view="step", stage=11)
    assert entries(tmp_path) == []


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_full_disk_keeps_the_old_file(pair, tmp_path, monkeypatch, suffix):
    out = tmp_path / f"fig{suffix}"
    out.write_bytes(b"the old figure")

    def full(path, data):
        with open(path, "wb") as f:
            f.write(data[:10])  # a partial temporary file...
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "_write_bytes", full)
    with pytest.raises(ExportError, match="disk is full"):
        export_figure(pair, out)
    assert out.read_bytes() == b"the old figure"
    assert entries(tmp_path) == [out.name]  # ...is removed


def test_render_image_of_a_widget(qtbot):
    from PySide6.QtWidgets import QLabel

    label = QLabel("hello")
    qtbot.addWidget(label)
    label.resize(120, 40)
    img = render_image(label, 3)
    assert (img.width(), img.height()) == (360, 120)
    assert img.format() == QImage.Format.Format_ARGB32_Premultiplied


# ---- the command line, in fresh processes ----------------------------------------------------------
def run_cli(*args, env_extra=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "main.py", "export", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


def test_cli_png_size_and_reproducible(tmp_path):
    outs = [tmp_path / "a.png", tmp_path / "b.png"]
    for out in outs:
        r = run_cli(out, "--heads", "4", "--scale", "1.5", env_extra={"QT_QPA_PLATFORM": "offscreen"})
        assert r.returncode == 0 and r.stderr == "", r.stderr
    assert png_size(outs[0]) == expected_px("heads", 1.5)
    assert np.array_equal(image_array(QImage(str(outs[0]))), image_array(QImage(str(outs[1]))))


def test_cli_svg_and_pdf_without_a_display(tmp_path):
    """No platform chosen and no display: the export still works (offscreen)."""
    drop = ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    r = run_cli(tmp_path / "c.svg", "--view", "compare", "--d-model", "32", "--heads", "4", drop=drop)
    assert r.returncode == 0, r.stderr
    texts = svg_texts(ET.parse(tmp_path / "c.svg").getroot())
    assert "animal" in texts and any("d_model=32" in t for t in texts)
    r = run_cli(tmp_path / "s.pdf", "--view", "step", "--stage", "7", drop=drop)
    assert r.returncode == 0, r.stderr
    data = (tmp_path / "s.pdf").read_bytes()
    assert data.startswith(b"%PDF") and pdf_pages(data) == 1
    assert entries(tmp_path) == ["c.svg", "s.pdf"]


def test_cli_existing_file_needs_force(tmp_path):
    out = tmp_path / "f.png"
    out.write_bytes(b"keep")
    r = run_cli(out, env_extra={"QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 2 and "--force" in r.stderr and len(r.stderr.splitlines()) == 1
    assert out.read_bytes() == b"keep"
    r = run_cli(out, "--force", "--scale", "1", env_extra={"QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    assert png_size(out) == expected_px("heads", 1)
