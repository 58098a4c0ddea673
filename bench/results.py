"""bench/RESULTS.md is written by several benchmarks: each owns a section between markers of
its name, and keeps the others' as they are."""

import time
from pathlib import Path

RESULTS = Path(__file__).parent / "RESULTS.md"
# The sections written by benchmarks other than `make bench`'s own (bench.run).
SEPARATE = ("import", "writers", "big-pages", "tallies")


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name} -->", f"<!-- /{name} -->"


def separate_sections(results: str) -> str:
    """The separate benchmarks' sections of a RESULTS.md text, for `make bench` to keep."""
    kept = []
    for name in SEPARATE:
        start, end = markers(name)
        if start in results and end in results:
            kept.append(start + results.split(start)[1].split(end)[0] + end)
    return "".join(f"\n{section}\n" for section in kept)


def write_section(name: str, title: str, command: str, text: str) -> None:
    """Replace (or add) the section `name` of bench/RESULTS.md."""
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    start, end = markers(name)
    before = existing.split(start)[0].rstrip()
    after = existing.split(end)[1] if end in existing else ""
    measured = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    section = f"{start}\n## {title}\n\nMeasured {measured} by `{command}`: {text}\n{end}"
    RESULTS.write_text(f"{before}\n\n{section}{after}\n".lstrip(), encoding="utf-8")
