"""Small builders for the tests that read one Jekyll file."""

import pytest

from jekyll import parse as jekyll


def doc(front: str, body: str = "Body text.") -> bytes:
    return f"---\n{front.strip()}\n---\n\n{body}\n".encode()


def parse(front: str, body: str = "Body text.", name: str = "2024-03-05-a-post.md", **kwargs) -> jekyll.ParsedPost:
    return jekyll.parse(doc(front, body), name=name, **kwargs)


def reason(data: bytes, name: str = "2024-03-05-a-post.md") -> str:
    with pytest.raises(jekyll.JekyllError) as error:
        jekyll.parse(data, name=name)
    return str(error.value)
