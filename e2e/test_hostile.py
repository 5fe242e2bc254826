"""A post stuffed with hostile content, opened in a real browser: no script of its making runs.

Every input of the server-side table (``HOSTILE_CONTENT`` in ``blog/tests/samples.py``) goes into one post's
body, and a sample into its title, description, excerpt and tags. The browser loads the post, the
home page, the tag page and search, anonymously and as a member, moves the mouse over everything,
tabs through it and opens every <details>: no dialog opens, no marker is set, no uncaught error is
thrown, and nothing trips the Content-Security-Policy (which would mean markup got past sanitising
and only the CSP stopped it).
"""

import pytest

from blog.models import Post
from blog.tests.samples import HOSTILE_CONTENT
from e2e.browser import log_in

pytestmark = pytest.mark.e2e

# The same inputs, made to leave a trace a test can read as well as to open a dialog.
MARKED = [payload.replace("alert(1)", "window.__pwned=1;alert(1)") for payload in HOSTILE_CONTENT]
FIELD_SAMPLE = [
    '"><img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    "' onmouseover='window.__pwned=1' x='",
    "</title><script>window.__pwned=1</script>",
]


@pytest.fixture
def hostile_post(live_server):
    post = Post.objects.create(
        title=("Tea " + " ".join(FIELD_SAMPLE))[:500],
        slug="hostile-tea",
        description=" ".join(FIELD_SAMPLE),
        excerpt=" ".join(FIELD_SAMPLE),
        body="A gentle start.\n\n" + "\n\n".join(MARKED) + "\n\nA gentle end.\n",
        status=Post.Status.PUBLISHED,
    )
    post.tags.add("tea " + FIELD_SAMPLE[0], "tea " + FIELD_SAMPLE[2])
    return post


def _watch(page) -> dict[str, list[str]]:
    seen = {"dialogs": [], "page_errors": [], "csp": []}

    def on_dialog(dialog):
        seen["dialogs"].append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen["page_errors"].append(str(error)))
    page.on(
        "console",
        lambda message: (
            seen["csp"].append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


def _provoke(page) -> None:
    """Do what a reader's hands would: hover, tab, open disclosures, so handlers would have their chance."""
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    for box in page.locator("main *").evaluate_all(
        "(els) => els.slice(0, 200).map((e) => { const r = e.getBoundingClientRect(); return [r.x + 2, r.y + 2]; })"
    ):
        page.mouse.move(*box)
    for _ in range(30):
        page.keyboard.press("Tab")
    page.wait_for_timeout(300)


def _visit_all(page, post) -> list[str]:
    tag = post.tags.first()
    problems = []
    for path in (post.get_absolute_url(), "/", f"/tags/{tag.slug}/", "/search/?q=tea", "/feed.xml"):
        response = page.goto(path)
        assert response.ok, path
        if path != "/feed.xml":
            _provoke(page)
        if page.evaluate("() => window.__pwned === 1"):
            problems.append(f"{path}: content script ran")
        if "PWNED" in page.title():
            problems.append(f"{path}: title changed by content")
    return problems


def test_no_script_from_content_runs_for_a_reader(page, hostile_post, csp_violations):
    seen = _watch(page)
    problems = _visit_all(page, hostile_post)
    assert problems == []
    assert seen["dialogs"] == []
    assert seen["page_errors"] == []
    assert seen["csp"] == [] and csp_violations == []
    # The content is still shown as text (a stray "<![CDATA[" may swallow what follows it, harmlessly).
    page.goto(hostile_post.get_absolute_url())
    body = page.locator(".post-body").text_content()
    assert "A gentle start." in body and "<img src=x onerror=" in body
    assert "<script>" in page.locator("h1").inner_text()


def test_no_script_from_content_runs_for_a_member(new_context, hostile_post, django_user_model, live_server):
    member = django_user_model.objects.create_user(email="reader@example.com", password="a calm and long passphrase")
    context = new_context()
    log_in(context, member, live_server.url)
    page = context.new_page()
    seen = _watch(page)
    problems = _visit_all(page, hostile_post)
    # Saving it works and still runs nothing: the save button carries the hostile title in data-title.
    page.goto(hostile_post.get_absolute_url())
    page.locator(".post-actions .save-button").click()
    page.wait_for_timeout(500)
    assert problems == []
    assert seen["dialogs"] == []
    assert seen["page_errors"] == []
    assert seen["csp"] == []
