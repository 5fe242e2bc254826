"""Nothing lost under concurrency: 16 members save, unsave and write notes at once through gunicorn.

Two gunicorn workers serve a database of their own (a SQLite file, or a scratch PostgreSQL database
when the run is on PostgreSQL). Each member is a thread with its own session; for a bounded time it
saves, unsaves and annotates pieces from a shared set, remembering what its last successful request
said about each piece. Afterwards: no 5xx, no duplicate rows, and every row is exactly what its
member was last told.
"""

import http.client
import json
import random
import secrets
import threading
import time
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

from blog.tests.gunicorn_site import gunicorn, run_python, site_database

pytestmark = pytest.mark.server

MEMBERS = 16
POSTS = 6
SECONDS = 8
MAX_REQUESTS_PER_MEMBER = 400

SEED = f"""
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from blog.models import Post

slugs = []
for n in range({POSTS}):
    post = Post.objects.create(title=f"Shared piece {{n}}", slug=f"shared-piece-{{n}}", body="Rest, then write.",
                               status=Post.Status.PUBLISHED)
    slugs.append(post.slug)
store = import_module(settings.SESSION_ENGINE).SessionStore
sessions = []
for n in range({MEMBERS}):
    user = get_user_model().objects.create_user(email=f"member{{n}}@example.org", password=None)
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append({{"email": user.email, "session": session.session_key}})
print(json.dumps({{"slugs": slugs, "members": sessions}}))
"""

READ_BACK = """
import json
from django.db.models import Count
from accounts.models import Favourite
rows = list(
    Favourite.objects.filter(post__isnull=False).values_list("user__email", "post__slug", "note", "removed_at")
)
rows = [(email, slug, note, removed_at is None) for email, slug, note, removed_at in rows]
pairs = Favourite.objects.values("user", "post").annotate(n=Count("id"))
duplicates = list(pairs.filter(n__gt=1).values_list("user", "post", "n"))
print(json.dumps({"rows": rows, "duplicates": duplicates}))
"""


class Member:
    """One member's browser: a session, a CSRF token, and what the site last said about each piece."""

    def __init__(self, port: int, email: str, session_key: str, slugs: list[str], seed: int):
        self.port = port
        self.email = email
        self.slugs = slugs
        self.random = random.Random(seed)
        self.csrf = secrets.token_hex(16)
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={self.csrf}"
        # slug -> (saved now, its note): a removed piece keeps its note, saving it again brings it back
        self.believed: dict[str, tuple[bool, str]] = {}
        self.problems: list[str] = []
        self.successes = 0

    def post(self, path: str, data: dict) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(
                "POST",
                quote(path),
                body=urlencode(data),
                headers={
                    "Cookie": self.cookie,
                    "X-CSRFToken": self.csrf,
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            payload = {"raw": body[:200].decode(errors="replace")}
        return response.status, payload

    def act(self, n: int) -> None:
        slug = self.random.choice(self.slugs)
        action = self.random.choice(["save", "save", "unsave", "note", "note"])
        if action == "note":
            note = f"{self.email} on {slug}, thought {n}:\nbe gentle ✿"
            status, payload = self.post(f"/saved/{slug}/note/", {"note": note})
        else:
            status, payload = self.post(f"/posts/{slug}/{action}/", {})
        if status >= 500:
            self.problems.append(f"{action} {slug}: {status} {payload}")
        elif status == 200:
            self.successes += 1
            _saved, note = self.believed.get(slug, (False, ""))
            if action == "save":
                self.believed[slug] = (True, note)
            elif action == "unsave":
                if slug in self.believed:
                    self.believed[slug] = (False, note)
            else:
                self.believed[slug] = (True, payload["note"])
        elif action == "note" and status == 404 and not self.believed.get(slug, (False, ""))[0]:
            pass  # a note on a piece this member has not saved: refused, nothing changes
        else:
            self.problems.append(f"{action} {slug}: unexpected {status} {payload}")

    def run(self, deadline: float) -> None:
        try:
            for n in range(MAX_REQUESTS_PER_MEMBER):
                if time.monotonic() > deadline:
                    break
                self.act(n)
        except Exception as error:  # noqa: BLE001 - a lost connection is a finding, not a crash of the test
            self.problems.append(f"{type(error).__name__}: {error}")

    def expected_rows(self) -> set[tuple[str, str, str, bool]]:
        return {(self.email, slug, note, saved) for slug, (saved, note) in self.believed.items()}


def test_sixteen_members_at_once_lose_nothing(tmp_path):
    var_dir = tmp_path / "site"
    with site_database(var_dir) as database_url, gunicorn(var_dir, database_url=database_url, workers=2) as (port, env):
        seeded = run_python(env, SEED)
        members = [
            Member(port, m["email"], m["session"], seeded["slugs"], seed=n) for n, m in enumerate(seeded["members"])
        ]
        deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=member.run, args=(deadline,)) for member in members]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 60)
        assert not any(thread.is_alive() for thread in threads)
        stored = run_python(env, READ_BACK)
        log = (var_dir / "gunicorn.log").read_text()

    assert [problem for member in members for problem in member.problems] == []
    assert all(member.successes > 0 for member in members)
    assert stored["duplicates"] == []
    expected = set().union(*(member.expected_rows() for member in members))
    assert {tuple(row) for row in stored["rows"]} == expected
    assert len(stored["rows"]) == len(expected)
    assert "database is locked" not in log
    assert "Traceback" not in log
