"""What a sanitised fragment must never contain, checked on parsed tags rather than on text.

Shared by the rendering tests and the corpus import test: prose may *mention* ``javascript:`` or ``onload=``;
only elements and attributes count.
"""

import re
from html.parser import HTMLParser

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "svg", "math", "meta", "link", "base", "noscript", "template",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "srcset"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "http-equiv"}:
                self.problems.append(f"<{tag} {name}=>")
            if name in URL_ATTRIBUTES and value:
                url = "".join(value.split()).lower()
                if _SCHEME.match(url) and not url.startswith(SAFE_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def dangerous_parts(fragment: str) -> list[str]:
    """Every forbidden element, event handler, inline style or non-http(s)/mailto URL in ``fragment``."""
    finder = _Finder()
    finder.feed(fragment)
    finder.close()
    return finder.problems
