"""Where requests go: no credentials from an address, no redirect followed, 404s and plain http
named for what they are."""

from __future__ import annotations

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, open_document, server_env, wait_for

SOURCE = "def add(a, b):\n    \n"


async def _told(client: object, *parts: str) -> str:
    messages = client.messages  # type: ignore[attr-defined]
    assert await wait_for(lambda: len(messages) > 0), "the user was told nothing"
    [message] = [m.message for m in messages]
    for part in parts:
        assert part in message, message
    return message


async def test_a_password_in_the_address_is_refused_and_nothing_is_sent(
    start: Start, fake: FakeCodestral
) -> None:
    address = fake.base_url.replace("http://", "http://user:pw-in-url@")
    client = await start(env=server_env(fake, FIM_LSP_BASE_URL=address))
    result = await inline(client, open_document(client, SOURCE), 1, 4)
    assert result is not None and not result.items  # type: ignore[union-attr]
    message = await _told(client, "holds a user name or password", "MISTRAL_API_KEY")
    assert "pw-in-url" not in message
    assert fake.requests == []  # httpx would have sent Basic auth in place of the key


async def test_a_redirect_is_named_and_not_followed(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    elsewhere = "https://elsewhere.example/v1/fim/completions"
    fake.fail_next(302, "", {"Location": elsewhere})
    await inline(client, open_document(client, SOURCE), 1, 4)
    await _told(client, f"redirected the request to {elsewhere}", "follows no redirect")
    assert len(fake.requests) == 1


async def test_a_404_names_the_path_and_a_doubled_v1(start: Start, fake: FakeCodestral) -> None:
    client = await start(env=server_env(fake, FIM_LSP_BASE_URL=fake.base_url + "/v1"))
    await inline(client, open_document(client, SOURCE), 1, 4)
    await _told(client, "/v1/v1/fim/completions (404)", "ends in /v1", "remove it")


async def test_auto_sends_nothing_to_a_plain_http_ollama_elsewhere(
    start: Start, fake: FakeCodestral
) -> None:
    env = server_env(fake, OLLAMA_HOST="http://192.0.2.1:11434", OLLAMA_API_KEY="ollama-key-x9")
    for name in ("MISTRAL_API_KEY", "FIM_LSP_BASE_URL", "FIM_LSP_PROVIDER"):
        env.pop(name, None)
    client = await start(env=env)
    await inline(client, open_document(client, SOURCE), 1, 4)
    message = await _told(client, "(from OLLAMA_HOST)", "plain http", "fimLsp.allowHttp")
    assert "fimLsp.baseUrl" not in message.split("plain http")[0]
