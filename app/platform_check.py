"""Can Qt's real window system start here? On Linux, Qt's xcb and wayland platforms need
system libraries that a fresh PC may lack; Qt then aborts with a message about plugins
that names no package. This finds the missing libraries first and says, in one line,
what to install. Qt-free, so it runs before Qt is loaded (`make run`, the app's start and
`footprint --self-check`)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Platforms that draw into memory or a framebuffer and need no desktop libraries.
_HEADLESS = {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}
# Debian names a library's package after its soname (libxcb-cursor.so.0 → libxcb-cursor0);
# these few are named otherwise.
_PACKAGE_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0"}


def intended_platform(environ: dict[str, str] | None = None) -> str:
    """The platform Qt will try first: QT_QPA_PLATFORM, else wayland in a Wayland
    session, else xcb (X11)."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip().lower()
    if chosen:
        return chosen
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return "wayland"
    return "xcb"


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships a shared library, by Debian's naming rule."""
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    match = re.fullmatch(r"(lib.+?)\.so\.(\d+)(?:\..*)?", soname)
    if match is None:
        return soname
    base, version = match.group(1).lower(), match.group(2)
    return f"{base}-{version}" if base[-1].isdigit() else f"{base}{version}"


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames `ldd` reports as not found, once each, in its order."""
    found: list[str] = []
    for line in ldd_output.splitlines():
        name, _, rest = line.strip().partition(" => ")
        if rest.strip() == "not found" and name not in found:
            found.append(name)
    return found


def _plugin(platform: str) -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"
    plugin = folder / f"libq{platform}.so"
    return plugin if plugin.exists() else None


def platform_problem(environ: dict[str, str] | None = None) -> str | None:
    """None when Qt's platform can start here as far as can be told without starting it;
    otherwise one plain sentence saying what is missing and what to install."""
    env = dict(os.environ if environ is None else environ)
    if not sys.platform.startswith("linux"):
        return None  # Windows and macOS platforms ship inside PySide6
    platform = intended_platform(env)
    if platform in _HEADLESS:
        return None
    if platform == "xcb" and not env.get("DISPLAY"):
        return (
            "There is no screen to show Footprint's window on (DISPLAY is not set): start it "
            "from the desktop, or set QT_QPA_PLATFORM=offscreen to run without a screen."
        )
    plugin = _plugin(platform)
    ldd = shutil.which("ldd")
    if plugin is None or ldd is None:
        return None  # nothing to inspect: let Qt try, and say what it says
    try:
        output = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    missing = missing_libraries(output)
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
    return (
        f"Qt can't open windows here: the {platform} platform needs system libraries that "
        f"are missing ({', '.join(missing)}). On Debian or Ubuntu: "
        f"sudo apt install {packages}"
    )


def main() -> int:
    """`python -m app.platform_check`: exit 0 when Qt can start, 3 with the reason if not."""
    problem = platform_problem()
    if problem is None:
        return 0
    print(f"footprint: {problem}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    raise SystemExit(main())
