"""What happened during each long heartbeat gap of ``benchmarks/ui.py --trace`` (a diagnosis aid, not a figure).

Timestamps, on one clock (``time.perf_counter``), around what can hold the GUI thread or the GIL:
- every collection of the cyclic collector (``gc.callbacks``), its generation, thread and what it freed;
- the background operations: the worker's function and the GUI-thread callback that receives its result;
- the idle slices (``IdleSlices``, ``QtWarmup``, ``AreaPreloader``) and the queue model's Python methods;
- while ``dispatch`` is on (the claims area and its queue), the start of every Qt event the application
  delivers: on the single GUI thread, the time from one event's start to the next is what that event took.
The heartbeat's gaps are then printed with what overlapped them. Costs a few per cent; the figures of a traced
run are not the benchmark's.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial, wraps
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


def now_ms() -> float:
    return time.perf_counter() * 1000


def _label(fn: Any) -> str:
    if isinstance(fn, partial):
        return _label(fn.func) + "(" + ",".join(_label(a) for a in fn.args if callable(a)) + ")"
    return getattr(fn, "__qualname__", None) or type(fn).__name__


class Trace(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.gui = threading.get_ident()
        self.events: list[tuple[float, float, str, str]] = []  # start, end, thread, label
        self.dispatched: list[tuple[float, str]] = []  # start of each Qt event while ``dispatch`` is on
        self.gaps: list[tuple[str, float, float, float, float]] = []  # phase, start, end, gui cpu, other cpu
        self._gc: dict[int, tuple[float, int]] = {}
        self.phase = "start"
        self.full: list[tuple[str, str, float, int]] = []  # phase, thread, ms, freed: every full collection
        self.census: list[str] = []
        self._last_cpu = (time.thread_time(), time.process_time())
        gc.callbacks.append(self._collect)

    def thread(self) -> str:
        return "gui" if threading.get_ident() == self.gui else "worker"

    def _collect(self, phase: str, info: dict[str, int]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._gc[ident] = (now_ms(), info["generation"])
            return
        started, generation = self._gc.pop(ident, (now_ms(), info["generation"]))
        if generation == 2:
            self.full.append((self.phase, self.thread(), now_ms() - started, info["collected"]))
        self.events.append(
            (started, now_ms(), self.thread(), f"gc gen{generation} ({info['collected']} freed)")
        )

    def timed(self, fn: Callable[..., Any], label: str | None = None) -> Callable[..., Any]:
        name = label or _label(fn)

        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = now_ms()
            try:
                return fn(*args, **kwargs)
            finally:
                self.events.append((started, now_ms(), self.thread(), name))

        owner = getattr(fn, "__self__", None)
        if owner is not None:
            wrapper.__self__ = owner  # type: ignore[attr-defined]  # the runner checks the receiver is alive
        return wrapper

    def wrap_method(self, cls: type, name: str) -> None:
        setattr(cls, name, self.timed(getattr(cls, name), f"{cls.__name__}.{name}"))

    def install(self) -> None:
        """Wraps the app's classes; call before any of their objects exists."""
        from backoffice.ui import warmup
        from backoffice.ui.claims_queue import ClaimQueueModel
        from backoffice.ui.operations import OperationRunner

        trace = self
        original_run = OperationRunner.run

        def run(runner: Any, fn: Any, on_done: Any = None, on_error: Any = None, **kw: Any) -> None:
            label = _label(on_done) if on_done is not None else _label(fn)
            return original_run(
                runner,
                trace.timed(fn, f"worker {label}"),
                trace.timed(on_done, f"callback {label}") if on_done is not None else None,
                trace.timed(on_error, f"error {label}") if on_error is not None else None,
                **kw,
            )

        OperationRunner.run = run  # type: ignore[method-assign]
        original_step = warmup.IdleSlices._step

        def step(slices: Any) -> None:
            label = f"idle slice {_label(slices.steps[0])}" if slices.steps else "idle slice (none)"
            trace.timed(original_step, label)(slices)

        warmup.IdleSlices._step = step  # type: ignore[method-assign]
        self.wrap_method(warmup.QtWarmup, "_slice")
        self.wrap_method(warmup.AreaPreloader, "_next")
        for name in ("data", "rowCount", "canFetchMore", "fetchMore", "_append", "_replace", "headerData"):
            self.wrap_method(ClaimQueueModel, name)

    # -- the Qt events delivered on the GUI thread
    def dispatch(self, on: bool) -> None:
        app = QApplication.instance()
        assert app is not None
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.dispatched.append((now_ms(), f"{event.type().name} → {type(watched).__name__}"))
        return False

    # -- the heartbeat
    def count(self, phase: str) -> None:
        """The collector's view when a phase begins: objects it tracks per generation and frozen ones."""
        sizes = [len(gc.get_objects(g)) for g in range(3)]
        self.census.append(f"{phase}: gen0-2 {sizes}, frozen {gc.get_freeze_count()}")
        self._last_cpu = (time.thread_time(), time.process_time())

    def beat(self, phase: str, started: float, ended: float, threshold_ms: float) -> None:
        if phase != self.phase:
            self.phase = phase
        cpu = (time.thread_time(), time.process_time())
        if ended - started >= threshold_ms:
            gui = (cpu[0] - self._last_cpu[0]) * 1000
            other = (cpu[1] - self._last_cpu[1]) * 1000 - gui
            self.gaps.append((phase, started, ended, gui, other))
        self._last_cpu = cpu

    def classify(self, start: float, end: float, gui: float, other: float) -> str:
        """The main cause of one gap, from what overlapped it (the first rule that holds)."""
        span = end - start
        within: dict[str, float] = defaultdict(float)
        for s, e, thread, label in self.events:
            overlap = min(e, end) - max(s, start)
            if overlap <= 0:
                continue
            if label.startswith("gc gen"):
                within[label.split(" (")[0]] += overlap
            elif thread == "gui" and ("idle slice" in label or label.endswith("_slice")):
                within["slices"] += overlap
            elif thread == "gui" and label.startswith("callback"):
                within[label] += overlap
        collections = {k: v for k, v in within.items() if k.startswith("gc gen")}
        if collections and max(collections.values()) >= 0.4 * span:
            return f"collector ({max(collections, key=lambda k: collections[k])[3:]})"
        if within["slices"] >= 0.4 * span:
            return "idle slices"
        if gui + other < 0.5 * span:
            return "process not running (machine load)"
        if gui < 0.4 * span and other >= 0.3 * span:
            return "workers busy meanwhile (the interpreter lock or the cores)"
        callbacks = {k: v for k, v in within.items() if k.startswith("callback")}
        if callbacks and max(callbacks.values()) >= 0.4 * span:
            return f"operation result ({max(callbacks, key=lambda k: callbacks[k])[9:]})"
        return "Qt on the GUI thread (paint, layout, events)"

    def classes(self, phases: tuple[str, ...], at_least_ms: float) -> list[tuple[str, float, str]]:
        return [
            (phase, end - start, self.classify(start, end, gui, other))
            for phase, start, end, gui, other in self.gaps
            if phase in phases and end - start >= at_least_ms
        ]

    def report(self) -> list[str]:
        lines = ["  collector: " + " ; ".join(self.census)]
        lines.append(
            "  full collections: "
            + (", ".join(f"{p} {t} {ms:.0f} ms ({n} freed)" for p, t, ms, n in self.full) or "none")
        )
        durations: dict[str, list[float]] = defaultdict(list)
        for s, e, thread, label in self.events:
            if thread == "gui" and (label.startswith("callback") or "slice" in label):
                durations[label].append(e - s)
        for label, values in sorted(durations.items(), key=lambda kv: -max(kv[1])):
            if max(values) >= 10:
                values.sort()
                lines.append(
                    f"  GUI {label}: ×{len(values)}, median {values[len(values) // 2]:.1f} ms, max {values[-1]:.1f} ms"
                )
        for phase, start, end, gui, other in self.gaps:
            lines.append(
                f"  gap {end - start:.0f} ms in {phase} at +{start:.0f} (GUI CPU {gui:.0f} ms, "
                f"other threads {other:.0f} ms) → {self.classify(start, end, gui, other)}"
            )
            small: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
            for s, e, thread, label in sorted(self.events):
                if e < start or s > end:
                    continue
                if e - s >= 3:
                    lines.append(f"    {s - start:+6.0f} {e - s:6.1f} ms  {thread:6} {label}")
                else:
                    small[f"{thread} {label}"][0] += 1
                    small[f"{thread} {label}"][1] += e - s
            for label, (count, total) in sorted(small.items(), key=lambda kv: -kv[1][1]):
                if total >= 1:
                    lines.append(f"           {total:6.1f} ms  {label} ×{count}")
            inside = [d for d in self.dispatched if start - 1000 <= d[0] <= end]
            for (s, what), (e, _) in pairwise(inside):
                if e - s >= 5 and e >= start:
                    lines.append(f"    {s - start:+6.0f} {e - s:6.1f} ms  qt event {what}")
        return lines
