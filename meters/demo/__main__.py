"""`python -m meters.demo [DIR]`: write the demo meter files (see __init__)."""

import sys
from datetime import date
from pathlib import Path

from meters.demo import write_demo_files

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("demo-compteurs")
    for path in write_demo_files(target, date.today()):  # noqa: DTZ011 - local use
        sys.stdout.write(f"{path}\n")
