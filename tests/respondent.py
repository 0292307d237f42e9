"""A respondent driving the survey through the test client, the way a browser does."""

from __future__ import annotations

from .conftest import csrf_token

VALID_PAGE_ONE = {"q-trust": "4", "q-owner": "town"}
VALID_PAGE_TWO = {"q-goals": ["heat", "sun"], "q-years": "30", "q-remarks": "Gute Idee."}


class Respondent:
    def __init__(self, client):
        self.client = client
        self.csrf: str | None = None  # one per session, valid on every page

    def open(self, url: str):
        """Open an invitation or open link and follow it to the welcome page."""
        return self.client.get(url, follow_redirects=True)

    def page(self, number: int, **query):
        response = self.client.get(f"/survey/page/{number}", query_string=query)
        if response.status_code == 200:
            self.csrf = csrf_token(response.get_data(as_text=True))
        return response

    def post(self, number: int, data: dict, action: str = "next", csrf: bool = True, **kw):
        if self.csrf is None:
            self.page(number)
        form = dict(data, action=action)
        if csrf:
            form["csrf_token"] = self.csrf
        return self.client.post(f"/survey/page/{number}", data=form, **kw)

    def complete(self, url: str, page_one=VALID_PAGE_ONE, page_two=VALID_PAGE_TWO):
        self.open(url)
        first = self.post(1, page_one)
        assert first.status_code == 303, first.get_data(as_text=True)
        return self.post(2, page_two)
