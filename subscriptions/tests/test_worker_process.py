"""The real thing: ``manage.py db_worker`` processes, a real SMTP server, a worker killed mid-fan-out."""

import subprocess
import sys
import time

import pytest

from blog.tests.gunicorn_site import BASE_DIR, environment, manage, run_python, site_database
from subscriptions.tests.smtp import SMTPServer

pytestmark = pytest.mark.server

SUBSCRIBERS = 60
SETUP = f"""
import json
from blog.models import Post
from subscriptions.models import Subscriber
Post.objects.create(title="Held and resumed", slug="held-and-resumed", body="Hello *there*.", status="published")
Subscriber.objects.bulk_create([Subscriber(email=f"s{{i}}@example.org") for i in range({SUBSCRIBERS})])
print(json.dumps("ok"))
"""
STATUSES = """
import json
from subscriptions.models import Delivery
print(json.dumps(sorted(set(Delivery.objects.values_list("status", flat=True)))))
"""


def start_worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_fan_out_and_started_again_sends_each_subscriber_exactly_one(tmp_path):
    with SMTPServer() as server, site_database(tmp_path / "site") as database_url:
        env = environment(tmp_path / "site", database_url=database_url)
        # Three connections at once: each is left hanging in turn, with batches of its own claimed.
        env.update(EMAIL_URL=server.url, SUBSCRIPTIONS_CLAIM_SECONDS="2", SUBSCRIPTIONS_SEND_CONNECTIONS="3")
        run_python(env, SETUP)
        manage(env, "send_post_email", "held-and-resumed")
        # The server answers 25 messages, then leaves every later one hanging: the worker is killed
        # mid-conversation, before the server accepted them, with more of its batches claimed and unsent.
        server.handler.hold_after = 25
        with (tmp_path / "worker.log").open("w") as log:
            worker = start_worker(env, log)
            try:
                assert server.handler.holding.wait(90), (tmp_path / "worker.log").read_text()
                worker.kill()
                worker.wait(10)
            finally:
                if worker.poll() is None:
                    worker.kill()
            server.handler.release.set()
            assert len(server.handler.accepted) == 25

            worker = start_worker(env, log)
            try:
                done = wait_for(lambda: len(server.handler.by_recipient()) == SUBSCRIBERS)
                # A little longer: anything sent twice would show now.
                time.sleep(1)
            finally:
                worker.terminate()
                worker.wait(10)
        assert done, (tmp_path / "worker.log").read_text()
        assert server.handler.by_recipient() == {f"s{i}@example.org": 1 for i in range(SUBSCRIBERS)}
        assert run_python(env, STATUSES) == ["sent"]


def test_two_workers_share_a_fan_out_and_send_nothing_twice(tmp_path):
    with SMTPServer() as server, site_database(tmp_path / "site") as database_url:
        env = environment(tmp_path / "site", database_url=database_url)
        env.update(EMAIL_URL=server.url, SUBSCRIPTIONS_SEND_CONNECTIONS="2")
        run_python(env, SETUP)
        # The mailing is queued twice (as the safety-net command would), so both workers send at once.
        manage(env, "send_post_email", "held-and-resumed")
        manage(env, "send_due_emails")
        with (tmp_path / "workers.log").open("w") as log:
            workers = [start_worker(env, log) for _ in range(2)]
            try:
                done = wait_for(lambda: len(server.handler.by_recipient()) == SUBSCRIBERS)
                time.sleep(1)
            finally:
                for worker in workers:
                    worker.terminate()
                    worker.wait(10)
        assert done, (tmp_path / "workers.log").read_text()
        assert server.handler.by_recipient() == {f"s{i}@example.org": 1 for i in range(SUBSCRIBERS)}
        assert run_python(env, STATUSES) == ["sent"]
