"""A results page as a reader sees it: its tables, its drop-down lists and its lists of
comments, parsed from the HTML (the standard library's parser, nothing of the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)  # header row first, if any

    def column(self, *starts: str) -> int | None:
        """The index of the first header cell starting with one of ``starts``."""
        for i, text in enumerate(self.rows[0] if self.rows else ()):
            if text.startswith(starts):
                return i
        return None


@dataclass
class Page:
    tables: list[Table] = field(default_factory=list)
    #: select name → [(option value, option text)]
    selects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: the texts of each ``<ul class="…">``, by class
    lists: dict[str, list[list[str]]] = field(default_factory=dict)

    def table(self, caption_start: str) -> Table | None:
        return next((t for t in self.tables if t.caption.startswith(caption_start)), None)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.text: list[str] | None = None  # the text being collected
        self.target = None  # where it goes when its element ends
        self.select: str | None = None
        self.option: str | None = None
        self.list_class: str | None = None
        self.row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.page.tables.append(Table())
        elif tag == "caption" or tag in ("th", "td") and self.row is not None:
            self.text = []
        elif tag == "tr" and self.page.tables:
            self.row = []
        elif tag == "select":
            self.select = attrs.get("name", "")
            self.page.selects[self.select] = []
        elif tag == "option" and self.select is not None:
            self.option, self.text = attrs.get("value", ""), []
        elif tag == "ul" and attrs.get("class"):
            self.list_class = attrs["class"]
            self.page.lists.setdefault(self.list_class, []).append([])
        elif tag == "li" and self.list_class is not None:
            self.text = []

    def handle_endtag(self, tag):
        joined = " ".join("".join(self.text or ()).split())
        if tag == "caption" and self.page.tables:
            self.page.tables[-1].caption, self.text = joined, None
        elif tag in ("th", "td") and self.row is not None and self.text is not None:
            self.row.append(joined)
            self.text = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.page.tables[-1].rows.append(self.row)
            self.row = None
        elif tag == "option" and self.option is not None:
            self.page.selects[self.select].append((self.option, joined))
            self.option, self.text = None, None
        elif tag == "select":
            self.select = None
        elif tag == "li" and self.list_class is not None and self.text is not None:
            self.page.lists[self.list_class][-1].append(joined)
            self.text = None
        elif tag == "ul":
            self.list_class = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def leading_int(text: str) -> int | None:
    """The whole number a table cell starts with (``"12 (As of …)"`` → 12), else None."""
    digits = ""
    for char in text.strip():
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None
