"""Ask the tree's own Kconfig program what a configuration resolves to.

``make olddefconfig`` and the syncconfig step of every build run
``scripts/kconfig/conf``: it reads ``.config``, applies the Kconfig files' dependencies,
``select``s, choices and defaults, and writes the result. Only that program knows the
answer for a real kernel (Kconfiglib 14.1 cannot parse Linux 6.12), so depgraph runs
the objtree's ``scripts/kconfig/conf --olddefconfig`` on a copy of the configuration in
a scratch directory: ``KCONFIG_CONFIG`` points at the copy, the working directory is the
scratch directory, and the environment is the one the last syncconfig recorded in
``include/config/auto.conf.cmd``. Nothing in the user's trees is written.

This is the one program depgraph runs from an analysed tree (Kconfig files may run
``$(shell,…)`` macros, such as compiler checks, as every ``make`` does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from depgraph.model import DepgraphError
from depgraph.parse.config import apply_assignments, parse_config, parse_kconfig_env
from depgraph.tree.fs import REAL, FileSystem

CONF = "scripts/kconfig/conf"
TIMEOUT = 120  # seconds: a real kernel's Kconfig runs compiler checks


class KconfigRunError(DepgraphError):
    """The tree's Kconfig program is missing or failed."""


@dataclass(frozen=True, slots=True)
class Resolved:
    """A configuration as Kconfig resolved it: every symbol's value (``n`` when unset),
    the program that answered, and how long it took."""

    values: dict[str, str]
    program: str
    seconds: float


def resolve(
    objtree: str,
    srctree: str,
    config_text: str,
    assignments: dict[str, str] | None = None,
    fs: FileSystem = REAL,
) -> Resolved:
    """Run ``conf --olddefconfig`` on ``config_text`` with ``assignments`` applied (the
    program and ``auto.conf`` are looked for through ``fs``; the program runs on the real
    disk)."""
    program = os.path.join(objtree, CONF)
    if not fs.is_executable(program):
        raise KconfigRunError(
            f"{program}: no Kconfig program in the object tree (run make there once)"
        )
    env = dict(os.environ)
    env.update(recorded_env(objtree, fs))
    env["srctree"] = srctree
    scratch = tempfile.mkdtemp(prefix="depgraph-kconfig-")
    try:
        # conf creates auto.conf and a stamp per symbol where there is no auto.conf
        # (conf.c: "create auto.conf if it does not exist"): give it the tree's.
        auto_conf = os.path.join(objtree, "include/config/auto.conf")
        try:
            auto_conf_data = fs.read_bytes(auto_conf)
        except OSError:
            auto_conf_data = None
        if auto_conf_data is not None:
            os.makedirs(os.path.join(scratch, "include/config"))
            with open(os.path.join(scratch, "include/config/auto.conf"), "wb") as copy:
                copy.write(auto_conf_data)
        config = os.path.join(scratch, ".config")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(apply_assignments(config_text, assignments or {}))
        env["KCONFIG_CONFIG"] = config
        start = time.monotonic()
        try:
            run = subprocess.run(
                [program, "--olddefconfig", "Kconfig"],
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KconfigRunError(f"{program}: {exc}") from exc
        if run.returncode != 0:
            last = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no message"]
            raise KconfigRunError(f"{program} --olddefconfig failed: {last[0]}")
        with open(config, encoding="utf-8", errors="surrogateescape") as handle:
            values = parse_config(handle.read(), config).values
        return Resolved(values, f"{CONF} (the tree's own)", time.monotonic() - start)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def recorded_env(objtree: str, fs: FileSystem = REAL) -> dict[str, str]:
    """The environment the last syncconfig ran Kconfig with (empty if unknown)."""
    text = fs.text_or_none(os.path.join(objtree, "include/config/auto.conf.cmd"))
    return parse_kconfig_env(text) if text is not None else {}
