"""Login, sessions and CSRF: who may use the console, and only from its own pages."""

from __future__ import annotations

from tests.console.conftest import PASSWORD, Console, anonymous, log_in, login_form_token


async def test_right_password_opens_the_console_with_the_consultants_name(console: Console) -> None:
    browser = await log_in(console, "anna")
    page = await browser.client.get("/")
    assert page.status == 200
    assert "Anna Nowak" in await page.text()
    status, body = await browser.get("/api/queue")
    assert status == 200 and body == {"items": []}


async def test_wrong_password_shows_the_login_page_again_with_the_reason(console: Console) -> None:
    client = await anonymous(console)
    token = await login_form_token(client)
    response = await client.post(
        "/login", data={"username": "anna", "password": "not the password", "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 401
    assert "Wrong username or password." in await response.text()
    assert (await client.get("/api/queue")).status == 401


async def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(console: Console) -> None:
    client = await anonymous(console)
    token = await login_form_token(client)
    for _ in range(5):
        wrong = await client.post("/login", data={"username": "anna", "password": "guess-guess", "csrf_token": token})
        assert wrong.status == 401
    right = await client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token})
    assert right.status == 429
    assert "Too many failed attempts" in await right.text()
    # Another username is not affected.
    other = await client.post(
        "/login", data={"username": "piotr", "password": PASSWORD, "csrf_token": token}, allow_redirects=False
    )
    assert other.status == 303


async def test_login_without_the_forms_csrf_token_is_refused(console: Console) -> None:
    client = await anonymous(console)
    await login_form_token(client)
    response = await client.post("/login", data={"username": "anna", "password": PASSWORD}, allow_redirects=False)
    assert response.status == 403
    assert "Missing or wrong CSRF token" in await response.text()
    assert (await client.get("/api/queue")).status == 401


async def test_api_without_a_session_is_401_json_and_pages_redirect_to_login(console: Console) -> None:
    client = await anonymous(console)
    response = await client.get("/api/queue")
    assert response.status == 401
    assert "log in" in (await response.json())["error"]
    handoff = console.request_handoff()
    claim = await client.post(f"/api/handoffs/{handoff.id}/claim")
    assert claim.status == 401
    page = await client.get("/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/login"


async def test_state_changes_without_or_with_a_wrong_csrf_token_are_refused(console: Console) -> None:
    browser = await log_in(console, "anna")
    handoff = console.request_handoff()
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = await browser.client.post(f"/api/handoffs/{handoff.id}/claim", headers=headers)
        assert response.status == 403
        assert await response.json() == {"error": "Missing or wrong CSRF token: reload the page and try again."}
    view = console.queue.get(handoff.id)
    assert view is not None and view.consultant_id is None


async def test_logout_ends_the_session(console: Console) -> None:
    browser = await log_in(console, "anna")
    await browser.client.post("/logout", data={"csrf_token": browser.csrf})
    assert (await browser.client.get("/api/queue")).status == 401


async def test_websocket_needs_the_consoles_origin_and_a_session(console: Console) -> None:
    browser = await log_in(console, "anna")
    origin = f"http://{console.server.host}:{console.server.port}"
    foreign = await browser.client.get("/ws", headers={"Origin": "https://evil.example"})
    assert foreign.status == 403
    stranger = await anonymous(console)
    assert (await stranger.get("/ws", headers={"Origin": origin})).status == 401
    socket = await browser.client.ws_connect("/ws", headers={"Origin": origin})
    first = await socket.receive_json()
    assert first == {"type": "queue", "items": []}
    await socket.close()
