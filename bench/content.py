"""Synthetic writing: a vocabulary, Markdown paragraphs, and post bodies built from them.

Words follow a Zipf-like curve (a few very common, most rare), as real prose does, so a search
for a common word matches most posts and a rare one a handful. Paragraphs are rendered once
(``blog.markdown.render`` in a process pool) and posts are built by joining rendered paragraphs,
which is what rendering the joined Markdown gives for paragraphs, headings and lists.
"""

import itertools
import random
from dataclasses import dataclass

# Real words first (the common end of the curve), so pages read like the site's subject.
COMMON = (  # noqa: SIM905
    "the and to of a in that is it you for with as was on be this are but not have at from "
    "rest breath mother care gentle quiet morning body kind slow tea walk home grief joy tired "
    "enough soft light water sleep hands heart child listen patience garden warm day night "
    "small steps friend letter season winter spring window kettle bread comfort practice"
).split()
ONSETS = "b br c ch d f g gl h l m n p pl r s sh st t th v w".split()  # noqa: SIM905
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "ie"]
CODAS = ["", "n", "r", "s", "l", "m", "nd", "st", "th", "ck"]


def vocabulary(size: int = 6000, seed: int = 7) -> list[str]:
    """``COMMON`` followed by pronounceable invented words, all distinct, in a fixed order."""
    rng = random.Random(seed)
    words, seen = list(COMMON), set(COMMON)
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 3))
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Words:
    """Draws words with Zipf weights (rank r has weight 1/r)."""

    def __init__(self, rng: random.Random, size: int = 6000):
        self.rng = rng
        self.words = vocabulary(size)
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(self.words) + 1)))

    def take(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def rare(self, n: int) -> list[str]:
        """Words from the long tail (a search for one matches few posts)."""
        return self.rng.sample(self.words[len(self.words) // 2 :], n)


def _sentence(words: Words) -> str:
    parts = words.take(words.rng.randint(6, 18))
    if words.rng.random() < 0.15:
        i = words.rng.randrange(len(parts))
        parts[i] = f"*{parts[i]}*"
    if words.rng.random() < 0.05:
        i = words.rng.randrange(len(parts))
        parts[i] = f"[{parts[i]}](https://example.org/{parts[i].strip('*')})"
    text = " ".join(parts)
    return text[0].upper() + text[1:] + words.rng.choice(".....?!")


def paragraph(words: Words) -> str:
    """One block of Markdown: mostly prose, sometimes a heading, a list or a quote."""
    roll = words.rng.random()
    if roll < 0.08:
        return "## " + " ".join(words.take(words.rng.randint(2, 5))).capitalize()
    if roll < 0.16:
        return "\n".join("- " + " ".join(words.take(words.rng.randint(3, 9))) for _ in range(words.rng.randint(3, 6)))
    if roll < 0.20:
        return "> " + _sentence(words)
    return " ".join(_sentence(words) for _ in range(words.rng.randint(3, 8)))


@dataclass(frozen=True)
class Block:
    """A paragraph as written, as sanitised HTML, as plain text, and its word count."""

    markdown: str
    html: str
    text: str
    words: int


def _render(markdown_text: str) -> Block:
    from blog import markdown

    html = markdown.render(markdown_text)
    text = markdown.html_to_text(html)
    return Block(markdown_text, html, text, len(text.split()))


def render_blocks(count: int, *, seed: int = 11, processes: int = 2) -> list[Block]:
    """``count`` distinct paragraphs, rendered in a pool of processes."""
    from multiprocessing import get_context

    words = Words(random.Random(seed))
    sources = [paragraph(words) for _ in range(count)]
    if processes <= 1:
        return [_render(source) for source in sources]
    with get_context("fork").Pool(processes) as pool:
        return pool.map(_render, sources, chunksize=64)


@dataclass(frozen=True)
class Body:
    markdown: str
    html: str
    text: str
    first_html: str
    words: int


def body(blocks: list[Block], rng: random.Random, *, low: int = 600, high: int = 2000) -> Body:
    """A body of ``low``–``high`` words made of rendered blocks, starting with a prose paragraph."""
    target = rng.randint(low, high)
    chosen, total = [], 0
    while total < target:
        block = rng.choice(blocks)
        if not chosen and not block.html.startswith("<p>"):
            continue
        chosen.append(block)
        total += block.words
    return Body(
        markdown="\n\n".join(block.markdown for block in chosen),
        html="\n".join(block.html for block in chosen),
        text="\n".join(block.text for block in chosen),
        first_html=chosen[0].html,
        words=total,
    )
