"""`python -m bench NAME [options]` runs one benchmark; `python -m bench` lists them."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    helpers = ("common", "http", "__main__")  # shared code, not benchmarks
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in helpers)
    if len(sys.argv) < 2 or sys.argv[1] not in names:
        print("usage: python -m bench NAME [options]\nbenchmarks: " + ", ".join(names))
        return 2
    module = importlib.import_module(f"bench.{sys.argv[1]}")
    return int(module.main(sys.argv[2:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
