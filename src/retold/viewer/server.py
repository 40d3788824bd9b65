"""Binding and running the viewer: loopback unless a host is asked for explicitly.

The socket is bound here, before uvicorn starts, so ``port=0`` resolves to a real free port that
can be printed (and opened in a browser) before the first request.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp

from retold.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is a loopback address (no DNS lookup for IPs).

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
        (True, True, False)
        >>> is_loopback("localhost")
        True
    """
    name = host.strip("[]")
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    if name.lower() == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def check_host(host: str, *, explicit: bool) -> None:
    """Refuse a non-loopback host unless the user named it on purpose.

    Raises:
        ConfigError: for ``0.0.0.0``, a LAN address or any host that is not loopback, when
            ``explicit`` is False.
    """
    if not host:
        raise ConfigError("host must not be empty: use 127.0.0.1")
    if not explicit and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve on {host}, which is reachable from other machines: "
            f"pass --host {host} explicitly to allow it (anyone who can reach it can read "
            "every document), or leave --host out to stay on 127.0.0.1"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port=0``: a free port chosen by the OS).

    Raises:
        ConfigError: when the port is out of range, taken or the host cannot be bound.
    """
    if not 0 <= port <= 65535:
        raise ConfigError(f"port must be in [0, 65535], got {port}")
    name = host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((name, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = "pick another with -p, or -p 0 for a free one" if port else "check --host"
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}; {hint}") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket answers on (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = DEFAULT_HOST if host == "0.0.0.0" else "::1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def banner(sock: socket.socket, description: str) -> list[str]:
    """The lines ``retold serve`` prints at start: where it answers, and a warning when other
    machines can reach it.

    A wildcard bind (``0.0.0.0``, ``::``) is shown as such, with the loopback URL to open on
    this machine, rather than as a loopback URL that hides how far it reaches.
    """
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        lines = [
            f"Serving {description} on every interface ({host}), port {port}; on this machine: "
            f"{url_of(sock)}  (Ctrl+C to stop)",
            f"warning: any machine that can reach this one on port {port} can read every "
            "document and run checks; the Host check is off. Use --host 127.0.0.1 to stay local",
        ]
        return lines
    lines = [f"Serving {description} on {url_of(sock)}  (Ctrl+C to stop)"]
    if not is_loopback(host):
        lines.append(
            f"warning: any machine that can reach {host} on port {port} can read every "
            "document and run checks; the Host check is off. Use --host 127.0.0.1 to stay local"
        )
    return lines


@dataclass
class Running:
    """A server started in a background thread (tests, benchmarks)."""

    url: str
    thread: threading.Thread
    stop: Callable[[], None]


def serve(
    app: ASGIApp,
    sock: socket.socket,
    *,
    open_browser: bool = False,
    log_level: str = "warning",
    background: bool = False,
) -> Running | None:
    """Run ``app`` with uvicorn on a bound socket; in a thread when ``background`` is set."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    url = url_of(sock)

    def run() -> None:
        server.run(sockets=[sock])

    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    if not background:
        run()
        return None
    thread = threading.Thread(target=run, name="retold-viewer", daemon=True)
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return Running(url=url, thread=thread, stop=stop)


def _open_when_started(server: object, url: str) -> None:
    for _ in range(100):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        threading.Event().wait(0.1)
