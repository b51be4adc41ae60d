"""Desktop benchmark: the real app, offscreen, from a fresh process to an agent working in it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui.py --url sqlite:////tmp/desk-scale.sqlite3

Each run starts a new Python process that goes through the same steps as ``backoffice`` (Qt application, settings,
logs, database check and migration, login window) and reports, measured from the moment the parent started it:

- start → login window painted (target ≤ 1.5 s);
- click « Se connecter » → main window usable: its search box painted and holding the keyboard focus (target
  ≤ 0.5 s), which includes the argon2 check of the password and the login's audit record; the part after the
  check (« fenêtre ») is printed too;
- resident memory after opening 20 customer files one after the other (target ≤ 300 MB), and, for information,
  how long the first one took (it builds the file's widgets);
- for information, how long the claims area takes to show its queue the first time;
- the longest gap of a 10 ms QTimer heartbeat on the GUI thread, per phase: typing the credentials, logging in,
  opening the first file, the others, typing searches and, logged in again as a claims handler, opening the
  claims area and scrolling its queue (target ≤ 100 ms); and, for information, the CPU time the GUI thread
  itself spent in its longest-working gap, which is about what the stall would be on an idle machine (the
  machine the figures come from is shared, and its load stretches the wall-clock gaps).

The harness waits and types through a Qt event loop, which releases the GIL while idle as ``app.exec()`` does:
``QTest.qWait`` keeps it and starved the app's background threads (figures before 26 November 10:30 UTC).

The database is only read, except the login counters and the audit records a login writes: use a copy.

``--trace 50`` (diagnosis, not figures: it slows the app a little) prints, for each gap of at least 50 ms, what
overlapped it (collections with their generation, background operations and their callbacks, idle slices, the
queue model's methods, the Qt events while the queue scrolls) and its likely cause; see ``ui_trace.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"start_s": 1.5, "login_s": 0.5, "rss_mb": 300.0, "stall_ms": 100.0}
TARGET_PHASES = ("search", "queue")  # where the stall target applies: searching, scrolling the claims queue
SEARCHES = ("martin", "dupont jean", "bernard m", "75011", "petit", "lefebvre", "moreau c", "durand")


def child(
    url: str, t0: float, username: str, password: str, handler: str, files: int, trace_ms: float | None
) -> dict[str, Any]:
    """Runs in the fresh process; everything imported here counts in the start time."""
    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from backoffice import logs
    from backoffice.config import load_settings
    from backoffice.ui import app as shell
    from backoffice.ui.operations import OperationRunner

    figures: dict[str, Any] = {}
    trace = None
    if trace_ms is not None:
        from ui_trace import Trace, now_ms

        trace = Trace()
        trace.install()

    class FirstPaint(QObject):
        """Records when a widget is first painted (the window is on screen for the agent)."""

        def __init__(self, widget: QWidget) -> None:
            super().__init__(widget)
            self.at: float | None = None
            widget.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at = time.time()
            return False

    qapp = shell.make_application([sys.argv[0]])
    settings = load_settings()
    logs.configure(settings.paths.log_dir)
    db, _ = shell.open_database(settings, url, allow_demo=True)
    ops = OperationRunner(db)
    dialog = shell.login_dialog(db, ops)
    painted = FirstPaint(dialog)
    dialog.show()

    def pause(ms: int) -> None:
        """Let the event loop run for ``ms``, as ``app.exec()`` does: it releases the GIL while idle.

        ``QTest.qWait`` (and ``QTest.keyClicks`` with a delay) keep the GIL while they sleep, which starved the
        app's background threads (the password check, the modules loaded during the login) in earlier versions.
        """
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(condition: Any, timeout_s: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout_s
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("le banc d'essai attend toujours")
            pause(1)

    def type_text(widget: QWidget, text: str) -> None:
        """About an agent's typing speed: a key every 60 ms."""
        for char in text:
            pause(60)
            QTest.keyClicks(widget, char)

    wait_until(lambda: painted.at is not None)
    assert painted.at is not None
    figures["start_s"] = painted.at - t0

    # The heartbeat: a 10 ms timer on the GUI thread; its largest gap is the longest the agent saw a frozen window.
    gaps: dict[str, float] = {}
    phase = ["login"]
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    last_ms = [time.perf_counter() * 1000]

    busy: dict[str, float] = {}
    last_cpu = [time.thread_time()]

    def beat() -> None:
        now = clock.elapsed()
        gaps[phase[0]] = max(gaps.get(phase[0], 0.0), float(now - last[0]))
        last[0] = now
        cpu = time.thread_time()  # what the GUI thread itself spent in that gap: the stall on an idle machine
        busy[phase[0]] = max(busy.get(phase[0], 0.0), (cpu - last_cpu[0]) * 1000)
        last_cpu[0] = cpu
        if trace is not None and trace_ms is not None:
            ended = now_ms()
            trace.beat(phase[0], last_ms[0], ended, trace_ms)
            last_ms[0] = ended

    def census(name: str) -> None:
        """Traced runs: the collector's generations as a phase starts (not counted in the heartbeat)."""
        if trace is not None:
            trace.count(name)
            last[0] = clock.elapsed()
            last_cpu[0] = time.thread_time()
            last_ms[0] = now_ms()

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()

    def log_in(dialog: Any, name: str) -> tuple[Any, float, float]:
        phase[0] = "typing"
        type_text(dialog.username, name)  # an agent types; the app loads meanwhile
        type_text(dialog.password, password)
        windows: list[Any] = []
        marks: list[FirstPaint] = []
        accepted_at: list[float] = []

        def accepted() -> None:
            accepted_at.append(time.time())
            window = shell.main_window(db, ops, dialog.actor)
            windows.append(window)
            marks.append(FirstPaint(window.pages["lookup"].search_box))
            window.show()

        def usable() -> bool:
            """The search box is on screen and has the keyboard focus: the agent can type a name."""
            if not marks or marks[0].at is None:
                return False
            box = windows[0].pages["lookup"].search_box
            return box.isEnabled() and QApplication.focusWidget() is box

        dialog.accepted.connect(accepted)
        phase[0] = "login"
        started = time.time()
        dialog.submit()
        wait_until(usable)
        usable_at = time.time()  # observed within a millisecond
        return windows[0], usable_at - started, usable_at - accepted_at[0]

    window, figures["login_s"], figures["window_s"] = log_in(dialog, username)
    dialog.hide()

    phase[0] = "files"
    from backoffice.workflows.lookup import search

    customer_ids: list[int] = []
    with db.read() as session:
        for text in SEARCHES:
            customer_ids += [h.customer_id for h in search(session, window.ctx.actor, text).hits[:5]]
    customer_ids = list(dict.fromkeys(customer_ids))[:files]
    last[0] = clock.elapsed()  # the harness's own searches just above are not the app's stall
    last_cpu[0] = time.thread_time()
    last_ms[0] = time.perf_counter() * 1000
    lookup_page = window.pages["lookup"]
    durations = []
    for number, customer_id in enumerate(customer_ids):
        phase[0] = "first_file" if number == 0 else "files"  # the first one builds the file's widgets
        loaded: list[object] = []
        lookup_page.file_view.loaded.connect(loaded.append)
        started = time.perf_counter()
        window.ctx.open_customer(customer_id)
        wait_until(lambda loaded=loaded: bool(loaded))
        lookup_page.file_view.loaded.disconnect(loaded.append)
        durations.append(time.perf_counter() - started)
        pause(20)
    figures["files"] = len(durations)
    figures["file_open_ms_median"] = statistics.median(durations) * 1000
    figures["file_open_ms_max"] = max(durations) * 1000
    figures["first_file_ms"] = durations[0] * 1000
    qapp.processEvents()
    figures["rss_mb"] = rss_mb()

    census("search")
    phase[0] = "search"
    lookup_page.back_to_search()
    for text in SEARCHES:
        lookup_page.search_box.clear()
        painted_results: list[object] = []
        lookup_page.result_painted.connect(painted_results.append)
        type_text(lookup_page.search_box, text)
        wait_until(lambda painted_results=painted_results: bool(painted_results))
        lookup_page.result_painted.disconnect(painted_results.append)

    window.close()
    second = shell.login_dialog(db, ops)
    second.show()
    claims_window, _, _ = log_in(second, handler)
    second.hide()
    census("claims_area")
    phase[0] = "claims_area"
    started = time.perf_counter()
    page = claims_window.show_area("claims")
    table = getattr(page, "table", None)
    if table is not None:
        wait_until(lambda: table.model().rowCount() > 0)
        figures["claims_area_ms"] = (time.perf_counter() - started) * 1000
        census("queue")
        phase[0] = "queue"
        if trace is not None:
            trace.dispatch(True)
        bar = table.verticalScrollBar()
        for _ in range(30):  # to the bottom 30 times: each time the next page of the queue is fetched
            bar.setValue(bar.maximum())
            pause(30)
        figures["queue_rows"] = table.model().rowCount()
    census("end")
    heartbeat.stop()
    if trace is not None:
        trace.dispatch(False)
        figures["trace"] = trace.report()
        figures["trace_classes"] = trace.classes(("typing", "search", "queue"), 50.0)
    claims_window.close()
    ops.wait()
    db.dispose()
    figures["stall_ms"] = {name: gap for name, gap in gaps.items()}
    figures["busy_ms"] = {name: cpu for name, cpu in busy.items()}
    return figures


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run_once(args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT)
    t0 = time.time()
    result = subprocess.run(
        [
            *(sys.executable, __file__, "--child", "--url", args.url, "--t0", repr(t0)),
            *("--username", args.username, "--password", args.password, "--handler", args.handler),
            *("--files", str(args.files)),
            *(("--trace", str(args.trace)) if args.trace is not None else ()),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"le processus mesuré a échoué :\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--username", default="conseiller")
    parser.add_argument("--handler", default="gestionnaire")
    parser.add_argument("--password", default="Demo-2026!")
    parser.add_argument(
        "--trace",
        type=float,
        metavar="MS",
        help="diagnostic : détailler chaque blocage d'au moins MS ms (ramasse-miettes, opérations, tranches…)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = child(args.url, args.t0, args.username, args.password, args.handler, args.files, args.trace)
        print(json.dumps(figures), flush=True)
        os._exit(0)  # skip the interpreter's teardown of Qt objects: nothing is measured there

    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, charge {load_average()} — {args.url}")
    runs = []
    for i in range(args.runs):
        figures = run_once(args)
        runs.append(figures)
        stalls = ", ".join(f"{k} {v:.0f}" for k, v in figures["stall_ms"].items())
        busy = ", ".join(f"{k} {v:.0f}" for k, v in figures["busy_ms"].items())
        print(
            f"essai {i + 1} : démarrage → connexion {figures['start_s']:.2f} s ; connexion → fenêtre "
            f"{figures['login_s']:.2f} s (dont fenêtre {figures['window_s']:.2f} s) ; {figures['files']} dossiers (médiane "
            f"{figures['file_open_ms_median']:.0f} ms, max {figures['file_open_ms_max']:.0f} ms, premier "
            f"{figures['first_file_ms']:.0f} ms) → RSS "
            f"{figures['rss_mb']:.0f} Mo ; zone Sinistres affichée avec sa file en "
            f"{figures.get('claims_area_ms', float('nan')):.0f} ms ; plus long blocage (ms) : {stalls}"
            f" ; dont temps CPU du fil graphique (ms) : {busy}"
        )
        for line in figures.get("trace", ()):
            print(line)
    if args.trace is not None:
        tally: dict[str, list[float]] = {}
        for r in runs:
            for phase, gap, cause in r["trace_classes"]:
                tally.setdefault(f"{phase}: {cause}", []).append(gap)
        print("blocages ≥ 50 ms (saisie, recherches, file) par cause :")
        for cause, gaps in sorted(tally.items()):
            print(f"  {cause} : {len(gaps)} ({', '.join(f'{g:.0f}' for g in sorted(gaps))} ms)")
    start = statistics.median(r["start_s"] for r in runs)
    login = statistics.median(r["login_s"] for r in runs)
    rss = max(r["rss_mb"] for r in runs)
    # The target's scope (issue 10): "while searching or scrolling the queue"; the other phases are one-time
    # builds and typing the password, printed for information.
    stall = max(max(r["stall_ms"].get(phase, 0.0) for phase in TARGET_PHASES) for r in runs)
    other = max(max(v for k, v in r["stall_ms"].items() if k not in TARGET_PHASES) for r in runs)
    verdicts = {
        "start_s": start <= TARGETS["start_s"],
        "login_s": login <= TARGETS["login_s"],
        "rss_mb": rss <= TARGETS["rss_mb"],
        "stall_ms": stall <= TARGETS["stall_ms"],
    }

    def mark(key: str) -> str:
        return "OK" if verdicts[key] else "MANQUÉ"

    print(
        f"médiane démarrage {start:.2f} s (cible ≤ 1,5 s) {mark('start_s')} ; connexion {login:.2f} s "
        f"(≤ 0,5 s) {mark('login_s')} ; RSS max {rss:.0f} Mo (≤ 300 Mo) {mark('rss_mb')} ; "
        f"blocage max en recherche et défilement de la file {stall:.0f} ms (≤ 100 ms) {mark('stall_ms')} "
        f"(autres phases, pour information : {other:.0f} ms)"
    )
    print(f"charge à la fin : {load_average()}")
    sys.exit(0 if all(verdicts.values()) else 1)


if __name__ == "__main__":
    main()
