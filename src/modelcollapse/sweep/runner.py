"""Run a sweep into the store: skip what is done, show progress, summarise (SMC §7)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from tqdm import tqdm

from .backends import Backend, LocalBackend
from .spec import Sweep
from .store import Store


@dataclass(frozen=True)
class SweepSummary:
    """What one ``run_sweep`` call did."""

    study: str
    tasks: int
    skipped: int
    ran: int
    failed: int
    seconds: float
    backend: str
    errors: tuple[str, ...] = ()

    @property
    def tasks_per_second(self) -> float:
        return self.ran / self.seconds if self.seconds > 0 else float("nan")

    def __str__(self) -> str:
        text = (f"{self.study}: {self.tasks} tasks, {self.skipped} already stored, "
                f"{self.ran} ran in {self.seconds:.1f} s ({self.tasks_per_second:.1f} tasks/s "
                f"on {self.backend})")
        if self.failed:
            text += f", {self.failed} FAILED (re-run to retry); first: {self.errors[0]}"
        return text


def run_sweep(sweep: Sweep, store: Store, backend: Backend | None = None, *,
              progress: bool | None = None) -> SweepSummary:
    """Compute every task of ``sweep`` not yet in ``store``; results are committed as they
    arrive, so an interrupted run resumes where it stopped.

    ``progress``: True/False forces the bars on or off; None shows them on a terminal. Two
    bars: settings with all seeds finished, and tasks with the ETA.
    """
    backend = backend or LocalBackend()
    tasks = sweep.tasks()
    store.register(sweep, tasks)
    done = store.done_keys(sweep.name)
    pending = [t for t in tasks if t.key not in done]
    by_key = {t.key: t for t in pending}
    seeds_left: dict[int, int] = {}
    for t in pending:
        seeds_left[t.setting_index] = seeds_left.get(t.setting_index, 0) + 1
    disable = (not sys.stderr.isatty()) if progress is None else not progress
    settings_bar = tqdm(total=len(sweep.settings), initial=len(sweep.settings) - len(seeds_left),
                        desc=f"{sweep.name} settings", unit="setting", position=0,
                        disable=disable, leave=False)
    tasks_bar = tqdm(total=len(tasks), initial=len(tasks) - len(pending),
                     desc=f"{sweep.name} tasks", unit="task", position=1, disable=disable,
                     smoothing=0.05)
    errors: list[str] = []
    ran = 0
    start = time.perf_counter()
    try:
        for batch in backend.run(pending):
            good = [(by_key[o.key], o) for o in batch if o.error is None]
            errors.extend(f"{by_key[o.key].config}: {o.error}" for o in batch if o.error)
            store.add(good, backend.name)
            ran += len(good)
            for o in batch:
                index = by_key[o.key].setting_index
                seeds_left[index] -= 1
                if seeds_left[index] == 0:
                    settings_bar.update()
            tasks_bar.update(len(batch))
            tasks_bar.set_postfix_str(f"last {batch[-1].seconds:.2g} s/task", refresh=False)
    finally:
        settings_bar.close()
        tasks_bar.close()
    return SweepSummary(sweep.name, len(tasks), len(tasks) - len(pending), ran, len(errors),
                        time.perf_counter() - start, backend.name, tuple(errors))
