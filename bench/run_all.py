"""`make bench`: the directory's benchmark (every public page, load stage), then each module's own.

    python -m bench.run_all [arguments of bench.directory_bench]

A module adds its benchmark as ``bench/<name>_bench.py`` with a ``main(argv) -> int`` (funding at 2,000 schemes,
for instance): it is run after the directory's, with its own defaults, and writes its own figures under
var/bench/. The arguments given here go to the directory's benchmark only.
"""

import importlib
import pkgutil
import sys
import time

import bench
from bench import directory_bench


def module_benches() -> list[str]:
    names = [info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.endswith("_bench")]
    return sorted(name for name in names if name != "directory_bench")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    outcomes = {}
    started = time.perf_counter()
    outcomes["directory_bench"] = directory_bench.main(argv)
    for name in module_benches():
        print(f"\n{'=' * 100}\nbench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        try:
            outcomes[name] = module.main([])
        except SystemExit as stop:  # an argparse error or an explicit exit in the module
            outcomes[name] = int(stop.code or 0)
    print(f"\nmake bench: {time.perf_counter() - started:.0f} s")
    for name, code in outcomes.items():
        print(f"  {'ok    ' if code == 0 else 'FAILED'} bench.{name} (exit {code})")
    return 0 if all(code == 0 for code in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
