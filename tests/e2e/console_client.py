"""A consultant's side of the console, over its HTTP API, for end-to-end tests."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class ConsoleClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def login(self, username: str, password: str) -> None:
        page = self._text("GET", "/login")
        token = _CSRF_FIELD.search(page)
        assert token, "the login page carries no CSRF token"
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token[1]}).encode()
        self._text("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        console = self._text("GET", "/")
        meta = _CSRF_META.search(console)
        assert meta, "not logged in: the console page carries no CSRF token"
        self.csrf = meta[1]

    def get(self, path: str) -> tuple[int, Any]:
        return self._json("GET", path)

    def post(self, path: str, body: Any | None = None) -> tuple[int, Any]:
        return self._json("POST", path, body if body is not None else {})

    def _json(self, method: str, path: str, body: Any | None = None) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf, "Content-Type": "application/json"}
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def _text(self, method: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> str:
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {}, method=method)
        with self._opener.open(request, timeout=30) as response:
            return response.read().decode()
