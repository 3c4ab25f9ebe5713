#!/usr/bin/env python3
"""Run one seed's code block whole, as its document gives it, and print what it printed.

  run_seed_demo.py emtd|tmesh [--seed S] [--seeds-dir DIR]

Seeds both generators first (random.seed(S); np.random.seed(S), default S = 0), then execs
the ```python block of the seed document (read at run time from the seeds directory and
checked against the SHA-256 in seed-code.json) in a fresh namespace with stdout captured,
and prints one JSON document {"seedDocument": ..., "stdout": ...}.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repo when importing _common
from _common import load_seed_code


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("which", choices=["emtd", "tmesh"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds-dir", default=None, metavar="DIR",
                    help="directory of the seed documents (default $ENTROPIC_SEEDS_DIR, else ../shared/seeds)")
    a = ap.parse_args(argv)
    code, origin = load_seed_code(a.which, a.seeds_dir)
    random.seed(a.seed)
    np.random.seed(a.seed)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, origin + "#python", "exec"), {"__name__": "__main__"})
    print(json.dumps({"seedDocument": os.path.basename(origin), "stdout": buf.getvalue()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
