"""A small, fixed set of demo essays for the browser tests, screenshots and Lighthouse.

The posts are written for these checks (they are not the site's real content) and cover what a
page can hold: tags, a quote, a list, a subheading, a playlist link-button, an image with its size,
and enough essays for previous/next links. Built through the ORM, so ``Post.save()`` renders them
exactly as it renders imported posts.
"""

import datetime

from django.utils import timezone

from blog.models import Post

PLAYLIST_URL = "https://music.example.org/playlist/quiet-evenings"

DEMO_POSTS = [
    {
        "title": "Resting before you have earned it",
        "slug": "resting-before-you-have-earned-it",
        "tags": ["Rest", "Self-Compassion"],
        "days_ago": 1,
        "description": "On letting yourself stop before the list is done.",
        "excerpt": "Rest is not a prize for finishing. It is what lets you keep going at all.",
        "body": (
            f'<a href="{PLAYLIST_URL}" target="_blank" class="back-button" '
            'style="color: red; padding: 0">Quiet evenings playlist →</a>\n\n'
            "Most of us were taught that rest is a prize. You finish the work, you tidy the kitchen, "
            "you answer the last message, and then, only then, you may sit down.\n\n"
            "## What if rest came first?\n\n"
            "A tired body does not think more clearly for being pushed. It narrows. It gets sharp with the "
            "people it loves. Resting first is not laziness; it is maintenance.\n\n"
            "> You are allowed to stop in the middle of something.\n\n"
            "Three small permissions for this week:\n\n"
            "- sit down for five minutes before you start the evening jobs\n"
            "- leave one thing undone on purpose\n"
            "- notice who taught you that rest had to be earned\n\n"
            "![A calm circle on a soft background](/static/img/favicon.svg){width=360 height=360}\n\n"
            "None of this needs to be perfect. It only needs to be kind."
        ),
    },
    {
        "title": "The voice that talks to you when you fail",
        "slug": "the-voice-that-talks-to-you-when-you-fail",
        "tags": ["Self-Compassion", "Inner Voice"],
        "days_ago": 4,
        "description": "Listening to how you speak to yourself, and choosing a gentler tone.",
        "body": (
            "When something goes wrong, there is often a voice that arrives before any other thought. "
            "Listen to its tone for a day. Would you speak that way to a child you cared for?\n\n"
            "Changing the voice is slow work. Start by noticing it, then by answering it the way a "
            "patient friend would: *that was hard, and you are still worth caring for.*"
        ),
    },
    {
        "title": "Small rituals for heavy mornings",
        "slug": "small-rituals-for-heavy-mornings",
        "tags": ["Rest", "Rituals"],
        "days_ago": 9,
        "description": "Tiny, repeatable things that make getting up a little softer.",
        "body": (
            "Some mornings weigh more than others. On those days, ambition is not the answer; ritual is.\n\n"
            "1. Open a window and breathe for three slow counts.\n"
            "2. Drink a glass of water before anything else.\n"
            "3. Say one kind sentence to yourself out loud.\n\n"
            "A ritual is a promise you keep to yourself when you have nothing else to give."
        ),
    },
    {
        "title": "When connection feels out of reach",
        "slug": "when-connection-feels-out-of-reach",
        "tags": ["Loneliness", "Healing"],
        "days_ago": 15,
        "description": "Loneliness as a season, not a verdict.",
        "body": (
            "There are seasons when reaching out does not seem to land. That is painful, and it is also "
            "not proof that something is wrong with you.\n\n"
            "Try being the company you are waiting for: a walk, a warm meal, a letter you never send."
        ),
    },
    {
        "title": "Boundaries are a form of care",
        "slug": "boundaries-are-a-form-of-care",
        "tags": ["Boundaries", "Healing"],
        "days_ago": 40,
        "description": "Saying no as a way of keeping yourself safe enough to say yes.",
        "body": (
            "A boundary is not a wall. It is the line that lets you stay open without being overrun.\n\n"
            "It is fine if your voice shakes the first few times you say it."
        ),
    },
]

DRAFT_POST = {
    "title": "Notes towards an essay on grief",
    "slug": "notes-towards-an-essay-on-grief",
    "tags": ["Grief"],
    "days_ago": 0,
    "description": "",
    "body": "Not ready yet.",
}


def _make(spec: dict, status: str) -> Post:
    post = Post(
        title=spec["title"],
        slug=spec["slug"],
        body=spec["body"],
        description=spec["description"],
        excerpt=spec.get("excerpt", ""),
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=spec["days_ago"], hours=1),
    )
    post.save()
    post.tags.set(spec["tags"])
    return post


def create_demo_content() -> list[Post]:
    """Create the demo essays (newest first) and one draft; return the published ones."""
    posts = [_make(spec, Post.Status.PUBLISHED) for spec in DEMO_POSTS]
    _make(DRAFT_POST, Post.Status.DRAFT)
    return posts
