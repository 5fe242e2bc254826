"""A Jekyll file's text and its front matter: UTF-8 or refused, the YAML between ``---`` lines read safely.

Both steps raise :class:`JekyllError`, the one error :mod:`jekyll.parse` raises for a file that cannot be a post.
"""

import re

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024


class JekyllError(ValueError):
    """The file cannot become a post; ``str(error)`` is the reason, written for a person."""


# Timestamps stay strings so that one date parser (ours) reads every form, and an impossible date is our
# error message rather than a YAML constructor's exception.
class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


class YamlTimestamp(str):
    """A date-time YAML itself recognised (unquoted): Jekyll (Ruby's YAML) reads one without a zone as UTC."""


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: YamlTimestamp(loader.construct_scalar(node))
)

_OPENER = re.compile(r"---[ \t]*\n")
_CLOSER = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.M)


def decode(data: bytes) -> str:
    """UTF-8 text with the BOM dropped and line endings made ``\\n``; anything else is a JekyllError."""
    if len(data) > MAX_FILE_BYTES:
        raise JekyllError(f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise JekyllError(
            f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} (line {line}); "
            "save the file as UTF-8 and import it again"
        ) from None
    if not text.strip():
        raise JekyllError("empty file")
    if "\x00" in text:
        raise JekyllError(f"contains a NUL character at offset {data.index(b'\x00')} (a binary file?)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[dict, str]:
    """The front matter as a mapping, and the body after it."""
    opener = _OPENER.match(text)
    if not opener:
        raise JekyllError("no front matter: a Jekyll post starts with a '---' line")
    closer = _CLOSER.search(text, opener.end())
    if not closer:
        raise JekyllError("front matter opened with '---' on line 1 is never closed by '---' or '...'")
    block = text[opener.end() : closer.start()]
    try:
        meta = yaml.load(block, Loader=_FrontMatterLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
        raise JekyllError(f"invalid YAML in front matter{where}: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise JekyllError(f"front matter must be a mapping of keys to values, not a {type(meta).__name__}")
    return meta, text[closer.end() :]
