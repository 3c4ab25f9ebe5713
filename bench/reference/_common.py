"""Shared helpers for the seed runners (argument parsing, statistics, JSON output, and
finding the seeds' Python code in the seed documents at run time).

The repository holds no copy of the seeds' code: `seed_code()` reads the single ```python
block of a seed document from the seeds directory (--seeds-dir DIR, else $ENTROPIC_SEEDS_DIR,
else ../shared/seeds beside the repository) and checks its SHA-256 against
seed-code.json before anything runs it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from typing import Any, Iterable

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
# The reference vectors recorded from the seeds' Python, kept in the repository.
FIXTURES = os.path.join(REPO, "test", "fixtures", "reference")
SEEDS_ENV = "ENTROPIC_SEEDS_DIR"
DEFAULT_SEEDS_DIR = os.path.normpath(os.path.join(REPO, "..", "shared", "seeds"))
# Same pattern as bench/lib/seed-code.ts: a line "```python", the body, a line "```".
_PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)

# Same constant as src/sim/stats.ts (the 0.975 normal quantile to 7 significant digits).
Z95 = 1.959964


def parse_seeds(text: str) -> list[int]:
    """'A..B' (inclusive), 'A' or a comma list of those: '0..9,20,30..31'."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if ".." in part:
            a, b = part.split("..", 1)
            lo, hi = int(a), int(b)
            if hi < lo:
                raise ValueError(f"empty seed range {part!r}")
            seeds.extend(range(lo, hi + 1))
        else:
            seeds.append(int(part))
    if not seeds:
        raise ValueError("no seeds given")
    return seeds


def wilson(k: int, n: int, z: float = Z95) -> dict[str, Any]:
    """Wilson score interval; same formula and edge handling as src/sim/stats.ts."""
    if n == 0:
        return {"share": None, "low": None, "high": None}
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return {"share": p, "low": low, "high": high}


def mean_sd(xs: Iterable[float]) -> dict[str, Any]:
    """Welford mean and sample standard deviation (None where undefined)."""
    n = 0
    mean = 0.0
    m2 = 0.0
    for x in xs:
        n += 1
        d = x - mean
        mean += d / n
        m2 += d * (x - mean)
    return {
        "n": n,
        "mean": mean if n > 0 else None,
        "sd": math.sqrt(m2 / (n - 1)) if n > 1 else None,
    }


def histogram(values: Iterable[int]) -> dict[str, int]:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return {str(k): counts[k] for k in sorted(counts)}


def finite_or_none(x: Any) -> Any:
    """JSON has no NaN/Infinity: map them to None recursively."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: finite_or_none(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite_or_none(v) for v in x]
    return x


def emit_json(doc: dict[str, Any]) -> None:
    json.dump(finite_or_none(doc), sys.stdout, allow_nan=False, separators=(",", ":"))
    sys.stdout.write("\n")


def load_fixtures(path: str | None, default_name: str) -> list[dict[str, Any]]:
    p = path or os.path.join(FIXTURES, default_name)
    with open(p, encoding="utf-8") as f:
        return json.load(f)


class SeedCodeUnavailable(Exception):
    """The seed document is absent, or its code block is not the one seed-code.json names."""


def seeds_dir(explicit: str | None = None) -> str:
    """--seeds-dir DIR, else $ENTROPIC_SEEDS_DIR, else ../shared/seeds beside the repository."""
    return os.path.abspath(explicit or os.environ.get(SEEDS_ENV) or DEFAULT_SEEDS_DIR)


def python_block(text: str) -> str:
    blocks = _PYTHON_BLOCK.findall(text)
    if len(blocks) != 1:
        raise SeedCodeUnavailable(f"expected exactly one ```python block, found {len(blocks)}")
    return blocks[0]


def seed_code(which: str, directory: str | None = None) -> tuple[str, str]:
    """(code, document path) of seed `which` ("emtd" or "tmesh"), hash-checked.

    Looks for the document named in seed-code.json; failing that, for any *.txt or *.md in
    the directory whose python block has the expected hash (a renamed copy)."""
    with open(os.path.join(HERE, "seed-code.json"), encoding="utf-8") as f:
        entry = json.load(f)[which]
    d = seeds_dir(directory)
    if not os.path.isdir(d):
        raise SeedCodeUnavailable(f"seed documents not found: {d} is not a directory "
                                  f"(give --seeds-dir DIR or set {SEEDS_ENV})")
    named = os.path.join(d, entry["document"])
    candidates = [named] if os.path.isfile(named) else sorted(
        os.path.join(d, n) for n in os.listdir(d) if n.endswith((".txt", ".md")))
    for path in candidates:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            code = python_block(text)
        except SeedCodeUnavailable:
            continue
        digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
        if digest == entry["sha256"]:
            return code, path
        if path == named:
            raise SeedCodeUnavailable(f"{path}: python block has sha256 {digest}, expected {entry['sha256']} "
                                      f"(not the document this harness was checked against)")
    raise SeedCodeUnavailable(f"no seed document in {d} holds the {which} code ({entry['document']}, "
                              f"python block sha256 {entry['sha256'][:12]}…)")


def load_seed_code(which: str, directory: str | None) -> tuple[str, str]:
    """seed_code() for a runner's main(): a one-line error and exit status 2 when unavailable."""
    try:
        return seed_code(which, directory)
    except SeedCodeUnavailable as e:
        sys.stderr.write(f"{os.path.basename(sys.argv[0])}: {e}\n")
        sys.exit(2)
