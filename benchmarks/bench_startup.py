"""Start-up: the whole-process time of ``modelcollapse predict ... --json`` and of
``modelcollapse --help`` against ``python -c "import numpy"``, side by side in one run.

Run: ``python benchmarks/bench_startup.py [--repeats R]`` (about R seconds).

The command line builds only the subcommand it runs, and ``predict`` on a Setting loads the
theory alone (no Monte-Carlo engine, no scipy): the target is at most 2x numpy's import.
Each process is started with this interpreter (``python -m modelcollapse``), so shims and
wrappers on PATH do not enter the measure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from timing import median_seconds

COMMANDS = {
    "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
    "modelcollapse predict --json": [sys.executable, "-m", "modelcollapse", "predict", "--d", "100",
                                     "--n", "1000", "--p2", "0.1", "--c2", "1", "--json"],
    "modelcollapse --help": [sys.executable, "-m", "modelcollapse", "--help"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    times = {name: median_seconds(lambda i, c=cmd: subprocess.run(c, check=True,
                                                                  capture_output=True),
                                  args.repeats)
             for name, cmd in COMMANDS.items()}
    numpy_time = times["python -c 'import numpy'"]
    for name, seconds in times.items():
        print(f"{name:<32} {seconds:6.3f} s  {seconds / numpy_time:5.2f}x numpy")


if __name__ == "__main__":
    main()
