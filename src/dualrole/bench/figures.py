"""Figures of the benchmark: medians with min/max, small/large ratios, PASS/FAIL."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stats:
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def __str__(self) -> str:
        if len(self.samples) == 1:
            return f"{self.median:,.1f}"
        return f"{self.median:,.1f} ({min(self.samples):,.1f}–{max(self.samples):,.1f})"


@dataclass(frozen=True)
class Figure:
    what: str
    small: Stats | None
    large: Stats
    unit: str
    target: str
    passed: bool

    @property
    def ratio(self) -> str:
        if self.small is None or not self.small.median:
            return ""
        return f"{self.large.median / self.small.median:.2f}×"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(
        self,
        what: str,
        small: list[float] | None,
        large: list[float],
        *,
        unit: str = "ms",
        target: str,
        check: Callable[[Stats | None, Stats], bool],
    ) -> Figure:
        small_stats = Stats(tuple(small)) if small else None
        large_stats = Stats(tuple(large))
        figure = Figure(what, small_stats, large_stats, unit, target,
                        bool(check(small_stats, large_stats)))  # fmt: skip
        self.figures.append(figure)
        verdict = "PASS" if figure.passed else "FAIL"
        print(f"  {verdict}  {what}: {small_stats or '-'} → {large_stats} {unit} "
              f"{figure.ratio}  [{target}]", flush=True)  # fmt: skip
        return figure

    def all_passed(self) -> bool:
        return bool(self.figures) and all(f.passed for f in self.figures)

    def summary(self) -> str:
        passed = sum(f.passed for f in self.figures)
        return f"{passed} of {len(self.figures)} targets PASS"

    def table(self) -> str:
        lines = [
            "| what | small | large | large/small | target | result |",
            "| --- | ---: | ---: | ---: | --- | :---: |",
        ]
        for f in self.figures:
            small = f"{f.small} {f.unit}" if f.small else "—"
            lines.append(
                f"| {f.what} | {small} | {f.large} {f.unit} | {f.ratio} | {f.target} | "
                f"{'PASS' if f.passed else 'FAIL'} |"
            )
        return "\n".join(lines)


def ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def time_ms(fn: Callable[[], object]) -> float:
    """Milliseconds one call of ``fn`` takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000
