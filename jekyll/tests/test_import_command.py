"""The import command: a line per file, counts last, exit status, progress and verbosity."""

import io

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from jekyll.tests.helpers import DEMO_POSTS, post_file, write

pytestmark = pytest.mark.django_db


# -- commands ------------------------------------------------------------------------------------------------------


class TTY(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None, stderr=None, **options):
    stdout = stdout or io.StringIO()
    stderr = stderr or io.StringIO()
    call_command("import_jekyll", *[str(arg) for arg in args], stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.slow
def test_command_prints_one_line_per_file_and_the_counts_last():
    out, _err = run(DEMO_POSTS)
    lines = out.strip().splitlines()
    assert len(lines) == 8
    assert lines[0].startswith("created") and "2024-02-11-the-permission-to-pause.md" in lines[0]
    assert lines[-1] == "created 7, updated 0, unchanged 0, drafts 0, failed 0"
    out, _err = run(DEMO_POSTS)
    assert out.strip().splitlines()[-1] == "created 0, updated 0, unchanged 7, drafts 0, failed 0"


def test_command_exits_non_zero_when_a_file_failed(tmp_path):
    write(tmp_path, "2024-01-01-good.md", post_file())
    write(tmp_path, "2024-01-02-bad.md", b"no front matter")
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        run(tmp_path, stdout=stdout)
    lines = stdout.getvalue().strip().splitlines()
    assert "2024-01-02-bad.md: no front matter" in lines[1]
    assert lines[-1] == "created 1, updated 0, unchanged 0, drafts 0, failed 1"
    assert Post.objects.count() == 1


def test_command_exit_status_from_the_shell(tmp_path, monkeypatch):
    write(tmp_path, "2024-01-02-bad.md", b"no front matter")
    from django.core.management import ManagementUtility
    from django.db import connections

    # run_from_argv closes connections when it ends; the test's transaction must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_jekyll", str(tmp_path)]).execute()
    assert exit_info.value.code == 1


def test_command_dry_run(tmp_path):
    write(tmp_path, "2024-01-01-good.md", post_file())
    out, _err = run(tmp_path, "--dry-run")
    assert (
        out.strip().splitlines()[-1]
        == "created 1, updated 0, unchanged 0, drafts 0, failed 0 (dry run: nothing was written)"
    )
    assert Post.objects.count() == 0


def test_command_verbosity_zero_prints_only_the_counts_and_failures(tmp_path):
    write(tmp_path, "2024-01-01-good.md", post_file())
    write(tmp_path, "2024-01-02-bad.md", b"")
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        run(tmp_path, verbosity=0, stdout=stdout, stderr=stderr)
    assert stdout.getvalue().strip().splitlines() == ["created 1, updated 0, unchanged 0, drafts 0, failed 1"]
    assert "2024-01-02-bad.md: empty file" in stderr.getvalue()


@pytest.mark.slow
def test_command_shows_progress_in_a_terminal():
    out, _err = run(DEMO_POSTS, stdout=TTY())
    assert "[1/7] created" in out and "[7/7] created" in out
    quiet, _err = run(DEMO_POSTS, stdout=TTY(), verbosity=0)
    assert "\r7 of 7 files" in quiet
    assert quiet.strip().splitlines()[-1].endswith("created 0, updated 0, unchanged 7, drafts 0, failed 0")


def test_command_prints_warnings_under_the_file(tmp_path):
    write(tmp_path, "2024-01-01-liquid.md", post_file(body="{% include note.html %}"))
    out, _err = run(tmp_path)
    assert "    warning: " in out and "Liquid left as text: {% include note.html %}" in out
