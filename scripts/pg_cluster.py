#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    scripts/pg_cluster.py -- .venv/bin/python -m pytest -m "not browser"
    scripts/pg_cluster.py --find        # print the server binaries' folder, or exit 1

The cluster lives in a temporary folder: initdb, a server on a free TCP port on
127.0.0.1 (its unix socket in the same folder, trust authentication), one database.
The command runs with DATABASE_URL pointing at it; the server is stopped and the
folder deleted afterwards, also when the command fails or is interrupted. The exit
status is the command's.

Without PostgreSQL's server binaries this prints why and exits 0, unless
REQUIRE_POSTGRES=1 (as in CI), when it exits 1. initdb refuses to run as root, so
as root the cluster belongs to the ``postgres`` system user (which Debian's
postgresql package creates) and its programs run through ``runuser``.

Standard library only: it runs before and outside the project's own code.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUPERUSER = "reentrykit"
DATABASE = "reentrykit"
SYSTEM_USER = "postgres"  # owns the cluster when this script runs as root
# Durability is pointless for a cluster that is deleted in a minute; speed is not.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
}


class ClusterUnavailable(Exception):
    """PostgreSQL cannot be started on this machine (and that may be acceptable)."""


def say(message: str) -> None:
    sys.stderr.write(f"pg_cluster: {message}\n")
    sys.stderr.flush()


def _version_key(bindir: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir)) or (0,)


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: pg_config's, PATH's, or Debian's newest."""
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(  # noqa: S603 - a program found on PATH, fixed arguments
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            candidates.append(result.stdout.strip())
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for candidate in candidates:
        folder = Path(candidate)
        if all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="reentrykit-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = 0
        if self.as_root:
            try:
                owner = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                self.remove()
                raise ClusterUnavailable(
                    f"running as root needs the '{SYSTEM_USER}' system user to own the "
                    "cluster (initdb refuses root); Debian's postgresql package creates it"
                ) from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, program: str, *args: str, new_session: bool = False) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        # The cluster's own folder as working directory: the system user may not be
        # allowed into the caller's. A new session keeps the server out of reach of
        # the terminal's Ctrl-C, so it outlives the command's own clean-up.
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            command,
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=False,
            start_new_session=new_session,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def start(self) -> None:
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        # A port found free can be taken before the server binds it; try a few.
        for attempt in range(3):
            self.port = free_port()
            options = {**SERVER_SETTINGS, "port": self.port, "unix_socket_directories": self.folder}
            server_options = " ".join(f"-c {name}={value}" for name, value in options.items())
            try:
                self._run(
                    "pg_ctl",
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log),
                    "--wait",
                    "--timeout",
                    "60",
                    "--options",
                    server_options,
                    "start",
                    new_session=True,
                )
            except RuntimeError:
                if attempt == 2:
                    say(f"the server did not start; its log:\n{self._log_tail()}")
                    raise
            else:
                break
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, DATABASE)

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            self._run("pg_ctl", "--pgdata", str(self.data), "--mode", "immediate", "--wait", "stop")
        except RuntimeError as error:
            say(f"pg_ctl stop failed, killing the server: {error}")
            self._kill_server()

    def _kill_server(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)
            time.sleep(1)
        except (OSError, ValueError, IndexError):
            pass

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.folder.exists():
            say(f"could not delete {self.folder}")


class Terminated(Exception):
    """SIGTERM arrived (a CI job being cancelled)."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def run_with_cluster(command: list[str]) -> int:
    bindir = find_bindir()
    if bindir is None:
        raise ClusterUnavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found via pg_config, "
            "PATH or /usr/lib/postgresql/*/bin; on Debian: sudo apt-get install postgresql"
        )
    # SIGTERM (a cancelled CI job) cleans up like Ctrl-C does.
    signal.signal(signal.SIGTERM, _raise_terminated)
    cluster = Cluster(bindir)
    child: subprocess.Popen[bytes] | None = None
    try:
        cluster.start()
        say(f"PostgreSQL from {bindir} on {cluster.url} ({cluster.folder})")
        # The command is this script's own argument list, given by the caller.
        child = subprocess.Popen(  # noqa: S603
            command, env={**os.environ, "DATABASE_URL": cluster.url}
        )
        return child.wait()
    except (KeyboardInterrupt, Terminated) as stop:
        if child is not None and child.poll() is None:
            # Ctrl-C reached the child from the terminal already; SIGTERM did not.
            if isinstance(stop, Terminated):
                child.terminate()
            try:
                child.wait(timeout=30)
            except (subprocess.TimeoutExpired, KeyboardInterrupt, Terminated):
                child.kill()
                child.wait()
        say("interrupted: removing the cluster")
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # finish the clean-up
        cluster.stop()
        cluster.remove()
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--find"]:
        bindir = find_bindir()
        if bindir is None:
            return 1
        sys.stdout.write(f"{bindir}\n")
        return 0
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        say("usage: scripts/pg_cluster.py -- COMMAND [ARGS...]   or   scripts/pg_cluster.py --find")
        return 2
    command = argv[argv.index("--") + 1 :]
    required = os.environ.get("REQUIRE_POSTGRES", "") == "1"
    try:
        status = run_with_cluster(command)
    except ClusterUnavailable as reason:
        if required:
            say(f"REQUIRE_POSTGRES=1 but {reason}")
            return 1
        say(f"skipping the PostgreSQL pass: {reason}")
        return 0
    except RuntimeError as error:
        say(str(error))
        return 1
    if status == 5:
        say("the command exited 5 (pytest collected no tests): that counts as a failure")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
