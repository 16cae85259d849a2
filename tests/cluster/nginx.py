"""A private nginx (the Debian package) on a free port, configured from the block that
docs/operations.md shows ("Behind a proxy: nginx"), so the two cannot drift apart."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from tests.services import free_port, unavailable, which

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def documented_config() -> str:
    text = DOC.read_text()
    match = re.search(r"<!-- nginx-config -->\n```nginx\n(.*?)```", text, re.S)
    assert match, "docs/operations.md has no nginx-config block"
    return match.group(1)


def site_config(listen: int, upstreams: Sequence[int]) -> str:
    """The documented block with this test's ports in it."""
    config = documented_config()
    lines = "\n".join(f"    server 127.0.0.1:{port};" for port in upstreams)
    config, servers = re.subn(
        r"(?m)^    server 127\.0\.0\.1:\d+;\n(    server .*\n)*", lines + "\n", config
    )
    config, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", config)
    assert servers == 1 and listens == 1, config
    return config


class Nginx:
    def __init__(self, workdir: Path, upstreams: Sequence[int]) -> None:
        binary = which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if binary is None:
            unavailable("nginx")
        assert binary is not None
        self.binary = binary
        self.port = free_port()
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        temp = "\n".join(
            f"    {kind}_temp_path {workdir / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (workdir / "nginx.conf").write_text(
            f"pid {workdir / 'nginx.pid'};\n"
            f"error_log {workdir / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    access_log off;\n"
            f"{temp}\n"
            f"{site_config(self.port, upstreams)}"
            "}\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        conf = str(self.workdir / "nginx.conf")
        self.proc = subprocess.Popen(
            [
                self.binary, "-p", str(self.workdir), "-c", conf,
                "-e", str(self.workdir / "error.log"),
                "-g", "daemon off; master_process off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
