"""A plain (non-editable) install has everything: the wheel ships the examples, the icon, the
translations and the checkpoints as explorer.resources, read with importlib.resources."""
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHECK = r"""
import sys
from explorer.examples import load_examples
from explorer.resources_path import resource
import explorer
assert explorer.__file__.startswith(sys.argv[1]), explorer.__file__  # the installed copy, not the checkout
lib = load_examples()
assert not lib.problems, lib.problems
assert len(lib.examples) >= 13 and lib.get("default") is None, lib.ids()
icon = resource("icons", "attention-explorer.png")
assert icon.is_file() and icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
assert resource("examples.json").is_file()
import importlib.resources as r
assert r.files("explorer").joinpath("py.typed").is_file()
print("ok", len(lib.examples))
"""


def test_the_wheel_installs_examples_and_icon(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(dist.glob("attention_explorer-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # the wheel alone; its dependencies come from this interpreter's site-packages (no download)
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                   check=True, capture_output=True)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    import numpy

    Path(site, "outer.pth").write_text(str(Path(numpy.__file__).parents[1]) + "\n")
    r = subprocess.run([str(py), "-c", CHECK, str(env_dir)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok ")
