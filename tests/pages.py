"""Reading what a user is shown: a page's form as a browser would submit it, so that tests can post
what a user sees with only the fields they change; a PDF's text as a reader sees it."""

import re
from html.parser import HTMLParser
from io import BytesIO

from pypdf import PdfReader

# The evidence files and the discussion a record's page carries (hrddp.record_panels): forms of their own.
_RECORD_PANEL = re.compile(r'<section class="card (?:evidence-panel|discussion)".*?</section>', re.DOTALL)


def outside_record_panels(content: str) -> str:
    """The page without its evidence and discussion panels (to check what the page itself offers)."""
    return _RECORD_PANEL.sub("", content)


_STEP_FORM = r'<form method="post" action="([^"]*/steps/([^"/]*)/)"'


def step_names(content: str) -> set[str]:
    """The steps (transition names) that the page's forms post to."""
    return {name for _, name in re.findall(_STEP_FORM, content)}


def step_urls(content: str) -> set[str]:
    """The step URLs that the page's forms post to."""
    return {url for url, _ in re.findall(_STEP_FORM, content)}


def step_revisions(content: str) -> dict[str, str]:
    """The step forms on the page: {step URL: the revision the form carries}."""
    return dict(
        re.findall(
            r'<form method="post" action="([^"]*/steps/[^"]*)" class="step-form">\s*'
            r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">\s*'
            r'<input type="hidden" name="revision" value="(\d+)">',
            content,
        )
    )


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self._form["fields"].append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or ([self._select["first"]] if self._select["first"] is not None else [])
            self._form["fields"].extend((self._select["name"], v) for v in chosen)
            self._select = None
        elif tag == "form":
            self._form = None


def form_data(html: str, action_contains: str = "", changes: dict | None = None) -> dict:
    """The fields of a form as submitted unchanged, with `changes` applied
    (a list value sets a multi-value field; None removes the field). The form
    is the one whose action contains `action_contains`, or else the page's
    largest (not the header's sign-out buttons)."""
    reader = _FormReader()
    reader.feed(html)
    if action_contains:
        form = next(f for f in reader.forms if action_contains in f["action"])
    else:
        form = max(reader.forms, key=lambda f: len(f["fields"]))
    fields: dict[str, list] = {}
    for name, value in form["fields"]:
        if name == "csrfmiddlewaretoken":
            continue
        fields.setdefault(name, []).append(value)
    for name, value in (changes or {}).items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value if isinstance(value, list) else [value]
    return {name: values if len(values) > 1 else values[0] for name, values in fields.items()}


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace (line breaks, non-breaking spaces) folded to single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())
