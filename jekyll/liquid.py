"""Liquid, Jekyll's template language, in a post's body: what has a static meaning is converted, the rest kept as
text and named in a warning."""

import html
import re
import secrets
from collections.abc import Callable

# "-" is Liquid's whitespace control.
_RAW = re.compile(r"{%-?\s*raw\s*-?%}(.*?){%-?\s*endraw\s*-?%}", re.S)
_COMMENT = re.compile(r"{%-?\s*comment\s*-?%}.*?{%-?\s*endcomment\s*-?%}", re.S)
_HIGHLIGHT = re.compile(
    r"{%-?\s*highlight\s+[\"']?([\w+#.-]+)[\"']?[^%]*?-?%}[ \t]*\n?(.*?)\n?[ \t]*{%-?\s*endhighlight\s*-?%}", re.S
)
_SITE_URL = re.compile(r"{{-?\s*site\.(?:baseurl|url)\s*-?}}")
_URL_FILTER = re.compile(r"{{-?\s*([\"'])([^\"'{}]*)\1\s*\|\s*(?:relative|absolute)_url\s*-?}}")
_POST_URL = re.compile(r"{%-?\s*post_url\s+([^\s%]+)\s*-?%}")
_LINK = re.compile(r"{%-?\s*link\s+([^\s%]+)\s*-?%}")
_KRAMDOWN_TOC = re.compile(r"^[ \t]*(?:[*+-]|\d+\.)[ \t]+[^\n]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*$", re.M)
_ANY_LIQUID = re.compile(r"{%.*?%}|{{.*?}}", re.S)


def convert(
    body: str,
    *,
    name: str,
    is_html: bool = False,
    warnings: list[str] | None = None,
    post_link: Callable[..., str | None] = lambda target, **options: None,
) -> str:
    """Convert the Liquid that has a static meaning; leave the rest as text and add a warning naming the file.

    ``{% raw %}`` content is kept literally; ``{% highlight %}`` becomes fenced code (``<pre><code>`` in HTML
    posts); ``{{ site.baseurl }}``/``{{ site.url }}`` become "" so links stay site-relative;
    ``{% post_url %}`` and ``{% link _posts/... %}`` become the imported post's URL (``post_link``); ``{% comment %}``
    blocks go; kramdown's ``* TOC`` + ``{:toc}`` becomes ``[TOC]``.
    """
    raw_parts: list[str] = []
    # Placeholders for {% raw %} parts carry a nonce, so text that happens to look like one (private-use
    # characters around a number) is left alone rather than taken for a placeholder.
    nonce = secrets.token_hex(8)

    def hold(match):
        raw_parts.append(match.group(1))
        return f"\ue000{nonce}:{len(raw_parts) - 1}\ue001"

    body = _RAW.sub(hold, body)
    body = _COMMENT.sub("", body)
    body = _HIGHLIGHT.sub(lambda m: _code_block(m.group(1), m.group(2), is_html), body)
    body = _SITE_URL.sub("", body)
    body = _URL_FILTER.sub(lambda m: m.group(2), body)
    body = _POST_URL.sub(lambda m: post_link(m.group(1)) or m.group(0), body)
    body = _LINK.sub(lambda m: post_link(m.group(1), needs_posts_dir=True) or m.group(0), body)
    if not is_html:
        body = _KRAMDOWN_TOC.sub("[TOC]", body)
    left = list(dict.fromkeys(" ".join(m.group(0).split())[:60] for m in _ANY_LIQUID.finditer(body)))
    if left and warnings is not None:
        shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        warnings.append(f"{name}: Liquid left as text: {shown}")
    if not raw_parts:
        return body
    return re.sub(f"\ue000{nonce}:(\\d+)\ue001", lambda m: raw_parts[int(m.group(1))], body)


def _code_block(language: str, code: str, is_html: bool) -> str:
    code = code.strip("\n")
    if is_html:
        return f'<pre><code class="language-{html.escape(language)}">{html.escape(code)}</code></pre>'
    runs = [len(run) for run in re.findall(r"`{3,}", code)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"\n{fence}{language}\n{code}\n{fence}\n"
