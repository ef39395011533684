"""A person at a browser, for the sign-in pages: reads the HTML forms, fills the fields by their labels,
presses the button a person would press, and follows redirects. It knows the pages only through HTTP,
as `harness/runner/user-agent.ts` does for the Node tests."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

MAX_PAGES = 20


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.forms = []
        self.labels = {}
        self.alert = False
        self._in = None
        self._label_for = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("role") == "alert":
            self.alert = True
        if tag == "form" and not self.forms:
            self.forms.append({"action": a.get("action", ""), "inputs": [], "buttons": []})
        elif tag == "input" and self.forms:
            self.forms[0]["inputs"].append(a)
        elif tag == "button" and self.forms:
            self.forms[0]["buttons"].append(dict(a, text=""))
            self._in = "button"
        elif tag == "h1":
            self._in = "h1"
        elif tag == "label":
            self._in, self._label_for = "label", a.get("for")
        self._text = []

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        text = " ".join("".join(self._text).split())
        if tag == "h1" and self._in == "h1":
            self.title = text
        elif tag == "button" and self._in == "button" and self.forms:
            self.forms[0]["buttons"][-1]["text"] = text
        elif tag == "label" and self._in == "label" and self._label_for:
            self.labels[self._label_for] = text
        if tag in ("h1", "button", "label"):
            self._in = None


def _choose(page, username, password, code):
    """The form fields and target a person submits on this page, or None when it asks nothing more."""
    if page.alert or not page.forms:
        return None
    form = page.forms[0]
    fields = {}
    for field in form["inputs"]:
        name = field.get("name")
        if not name:
            continue
        kind = (field.get("type") or "text").lower()
        label = page.labels.get(field.get("id", ""), field.get("aria-label", ""))
        if kind == "hidden":
            fields[name] = field.get("value", "")
        elif kind == "password":
            fields[name] = password
        elif re.search(r"email|phone|user", label, re.I):
            fields[name] = username
        elif re.search(r"code", label, re.I):
            fields[name] = code
    wanted = re.compile(r"^(accept|sign in|next|continue|yes)$", re.I)
    buttons = form["buttons"]
    button = next((b for b in buttons if wanted.match(b["text"])), buttons[0] if len(buttons) == 1 else None)
    if button is None:
        return None
    if button.get("name"):
        fields[button["name"]] = button.get("value", "")
    return form["action"], fields


def sign_in_on_device_page(verification_uri, user_code, username, password):
    """Enters the code at the verification URI, signs in and confirms; returns the last page's heading."""
    session = requests.Session()
    response = session.get(verification_uri)
    for _ in range(MAX_PAGES):
        page = _Page()
        page.feed(response.text)
        choice = _choose(page, username, password, user_code)
        if choice is None:
            return page.title
        action, fields = choice
        response = session.post(urljoin(response.url, action), data=fields)
    raise AssertionError("the device sign-in did not finish within %d pages" % MAX_PAGES)
