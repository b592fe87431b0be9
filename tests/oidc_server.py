"""A real OIDC provider for tests: panva's oidc-provider (npm) on the machine's Node.js.

tests/oidc_provider/ holds its package.json and package-lock.json; ``npm ci``
there installs it (.ci/run does). Without node or without the installed
package the tests skip with the reason; CI sets REQUIRE_OIDC=1, which makes
that a failure.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

HOST = "127.0.0.1"
FOLDER = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "orgduties"
CLIENT_SECRET = "test-client-secret-0123456789"


def _unavailable(reason):
    if os.environ.get("REQUIRE_OIDC") == "1":
        pytest.fail(reason + "; REQUIRE_OIDC=1 makes the OIDC tests mandatory")
    pytest.skip(reason)


def _free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class OidcProvider:
    def __init__(self, redirect_uri, accounts: dict):
        self.node = shutil.which("node")
        if not self.node:
            _unavailable("node not found (apt-get install nodejs)")
        if not (FOLDER / "node_modules" / "oidc-provider").is_dir():
            _unavailable(f"oidc-provider is not installed (cd {FOLDER} && npm ci)")
        self.port = _free_port()
        self.issuer = f"http://{HOST}:{self.port}"
        self.redirect_uri = redirect_uri
        self.accounts = accounts
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": self.redirect_uri,
            "ACCOUNTS": json.dumps(self.accounts),
        }
        self.process = subprocess.Popen(
            [self.node, str(FOLDER / "server.mjs")],
            cwd=FOLDER,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited with {self.process.returncode}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the OIDC provider did not start listening within 20 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def discovery(self) -> dict:
        import requests

        return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()

    def env(self, **extra) -> dict:
        """The environment a deployment would set for this provider (README "Company login")."""
        config = self.discovery()
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": config["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": config["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": config["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": config["jwks_uri"],
            **extra,
        }
