"""website.parallel: part of the site build in a forked process; its result or its exception comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from conftest import REPO

from website import parallel


def run(code: str) -> str:
    """Run code in a fresh, single-threaded interpreter (where forking is used); returns what it printed."""
    prelude = f"import os, sys\nsys.path.insert(0, {str(REPO / 'scripts')!r})\nfrom website import parallel\n"
    done = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_work_runs_in_a_second_process_and_its_result_comes_back() -> None:
    assert run("wait = parallel.started(lambda: (os.getpid(), list(range(100_000))))\n"
               "pid, numbers = wait()\nprint(pid != os.getpid(), len(numbers))") == "True 100000"


def test_an_error_in_the_second_process_is_raised_here_as_it_was() -> None:
    out = run("def fail():\n    raise OSError(28, 'No space left on device', '/site/search/x.json')\n"
              "try:\n    parallel.started(fail)()\nexcept OSError as exc:\n    print(exc.strerror, exc.filename)")
    assert out == "No space left on device /site/search/x.json"


def test_a_second_process_killed_is_an_error_not_a_hang() -> None:
    out = run("import signal\ntry:\n    parallel.started(lambda: os.kill(os.getpid(), signal.SIGKILL))()\n"
              "except parallel.WorkerDied as exc:\n    print('died:', exc)")
    assert out.startswith("died: the site build's second process ended without a result")


def test_an_exception_that_cannot_travel_comes_as_its_text() -> None:
    out = run("import threading\nclass Odd(Exception):\n    def __init__(self, lock):\n        super().__init__('odd')\n"
              "        self.lock = lock\n"
              "try:\n    parallel.started(lambda: (_ for _ in ()).throw(Odd(threading.Lock())))()\n"
              "except parallel.WorkerDied as exc:\n    print(exc)")
    assert out == "Odd: odd"


def test_with_other_threads_running_the_work_runs_here() -> None:
    """Forking a process with threads can deadlock the child: then the work runs in this process."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert parallel.started(os.getpid)() == os.getpid()
    finally:
        stop.set()
        other.join()
