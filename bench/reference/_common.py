"""Shared helpers for the seed runners (argument parsing, statistics, JSON output).

Nothing in here touches the seeds' code; the runners load the verbatim files themselves.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any, Iterable

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_REFERENCE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "reference"))

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
    p = path or os.path.join(SHARED_REFERENCE, default_name)
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def read_verbatim(name: str) -> str:
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()
