"""A real S3 API server for the tests (moto's standalone server), started on 127.0.0.1."""

import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

BUCKET = "site-media-tests"
KEYS = {"access_key": "testing", "secret_key": "testing"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def s3_server():
    """Yield the endpoint URL of a fresh S3-compatible server holding one empty bucket."""
    import boto3

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        # Not from the project's folder: `-m` puts the working folder first on sys.path, where our
        # `responses` app would hide the PyPI `responses` package that moto imports.
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.05)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_storage_settings(endpoint: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            **KEYS,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
