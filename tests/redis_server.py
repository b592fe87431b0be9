"""A private, real redis-server for tests that stop and start it.

Debian's redis-server on a free port of 127.0.0.1, keeping nothing on disk.
Without redis-server the tests skip with the reason; CI sets REQUIRE_REDIS=1,
which makes that a failure.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest

HOST = "127.0.0.1"


def _free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, folder):
        self.exe = shutil.which("redis-server")
        if not self.exe:
            reason = "redis-server not found (apt-get install redis-server)"
            if os.environ.get("REQUIRE_REDIS") == "1":
                pytest.fail(reason + "; REQUIRE_REDIS=1 makes the Redis tests mandatory")
            pytest.skip(reason)
        self.folder = folder
        self.port = _free_port()
        self.process = None
        self.url = f"redis://{HOST}:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.exe,
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not listen")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
