"""Run a command that must meet permission bits, even when the tests run as root.

Root writes a 0444 file or a 0555 folder as if they were open, so a test of "cannot
write" would see nothing fail. As root, the command runs without the two capabilities
that bypass permission bits (setpriv, from util-linux); as anyone else, as it is.
"""

from __future__ import annotations

import os
import shutil

import pytest


def command(args: list[str]) -> list[str]:
    """`args`, run so that file permissions apply to it."""
    if os.geteuid() != 0:
        return args
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root, this test needs setpriv (apt install util-linux)")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *args]
