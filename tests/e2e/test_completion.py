"""Ghost text and menu items end to end: the real server over stdio, the fake Codestral behind it."""

from __future__ import annotations

import asyncio
import re

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import ALLOWED_FIELDS, FakeCodestral
from tests.e2e.conftest import (
    INITIALIZE_RESULTS,
    Start,
    change,
    inline,
    inline_params,
    menu,
    open_document,
    server_env,
)

SOURCE = "def add(a, b):\n    \n\nprint(add(1, 2))\n"


@pytest.mark.parametrize(
    ("client_name", "encoding"),
    [
        ("neovim@v0.11.0", "utf-8"),
        ("visual-studio-code", "utf-16"),
        ("emacs", "utf-32"),
    ],
)
async def test_capabilities(start: Start, client_name: str, encoding: str) -> None:
    client = await start(client=client_name)
    capabilities = INITIALIZE_RESULTS[client].capabilities
    assert capabilities.inline_completion_provider is not None
    assert capabilities.completion_provider is not None
    assert capabilities.position_encoding == encoding
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close is True


async def test_inline_completion(client: LanguageClient, fake: FakeCodestral) -> None:
    uri = open_document(client, SOURCE)
    result = await inline(client, uri, 1, 4)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.insert_text == "return a + b"
    cursor = types.Position(line=1, character=4)
    assert item.range == types.Range(start=cursor, end=cursor)

    [request] = fake.requests
    assert request.path == "/v1/fim/completions"
    assert request.header("authorization") == f"Bearer {fake.api_key}"
    assert request.header("accept") == "text/event-stream"
    body = request.body
    assert set(body) <= set(ALLOWED_FIELDS)
    assert set(body) == {"model", "prompt", "suffix", "stream", "max_tokens", "temperature"}
    assert body["prompt"] == "def add(a, b):\n    "
    assert body["suffix"] == "\n\nprint(add(1, 2))\n"
    assert body["model"] == "codestral-latest"
    assert body["stream"] is True


async def test_plain_completion(client: LanguageClient, fake: FakeCodestral) -> None:
    fake.completion = "total = a + b\n    return total"
    uri = open_document(client, SOURCE)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=4),
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
        )
    )
    assert isinstance(result, types.CompletionList)
    assert result.is_incomplete is True
    [item] = result.items
    assert item.label == "total = a + b"
    assert item.detail == "fim-lsp · codestral-latest"
    assert isinstance(item.documentation, types.MarkupContent)
    assert item.documentation.kind == types.MarkupKind.Markdown
    assert item.documentation.value == "```python\ntotal = a + b\n    return total\n```"
    assert isinstance(item.text_edit, types.TextEdit)
    # a client that does not name itself Neovim gets plain text (test_menu_clients.py: which get what)
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert item.text_edit.new_text == "total = a + b\n    return total"
    assert item.filter_text == "total = a + b\n    return total"
    cursor = types.Position(line=1, character=4)
    assert item.text_edit.range == types.Range(start=cursor, end=cursor)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_menu_item_replaces_the_word_typed_so_editors_can_filter(
    start: Start, fake: FakeCodestral, encoding: str
) -> None:
    """Typed `😀ré`, suggested `sumé = 1`: the item replaces `ré` (not the emoji, which is no
    word character) by `résumé = 1`, which is what accepting the ghost text gives."""
    fake.completion = "sumé = 1\nx = ``` fence"
    client = await start(client=CLIENTS[encoding])
    uri = open_document(client, "s = 0\n😀ré\n")
    end = _units("😀ré", encoding)
    result = await menu(client, uri, 1, end)
    assert isinstance(result, types.CompletionList)
    [item] = result.items
    assert item.label == "résumé = 1"
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "résumé = 1\nx = ``` fence"
    assert item.filter_text == item.text_edit.new_text
    assert item.text_edit.range == types.Range(
        start=types.Position(line=1, character=_units("😀", encoding)),
        end=types.Position(line=1, character=end),
    )
    if encoding == "utf-32":  # the emacs capabilities, which name no documentation format
        assert item.documentation == item.text_edit.new_text
    else:
        assert isinstance(item.documentation, types.MarkupContent)
        assert item.documentation.kind == types.MarkupKind.Markdown
        assert item.documentation.value == "````python\nrésumé = 1\nx = ``` fence\n````"
    assert fake.last_body()["prompt"] == "s = 0\n😀ré"


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


CUT_CASES = {
    "ascii": ("x = 1\ny = |2\n", ""),
    "cjk": ("名前 = '山田'\nprint(名前|)\n", ""),
    "emoji": ("s = '😀😀|x'\nt = 1\n", ""),
    "emoji-then-line": ("a = '🎉'\nb = '🎉|'\n", ""),
    "crlf": ("a = 1\r\nb = |2\r\nc = 3\r\n", ""),
    "lone-cr": ("a = 1\rb = |2\rc = 3", ""),
    "form-feed": ("a = 1\x0c b = 2\nc = |3\n", ""),
    "u2028": ("s = 'x\u2028y'\nz = |1\n", ""),
    "mixed": ("é\r\n😀\x0c中\u2028\rq|w\n", ""),
}
CLIENTS = {"utf-8": "neovim@v0.11.0", "utf-16": "visual-studio-code", "utf-32": "emacs"}


@pytest.mark.parametrize("encoding", sorted(CLIENTS))
@pytest.mark.parametrize("case", sorted(CUT_CASES))
async def test_cut_in_every_encoding(
    start: Start, fake: FakeCodestral, encoding: str, case: str
) -> None:
    marked, _ = CUT_CASES[case]
    offset = marked.index("|")
    text = marked.replace("|", "")
    # the position as the client computes it: LSP lines break at \n, \r\n, \r only
    before = text[:offset]
    lines = re.split(r"\r\n|\r|\n", before)
    position = (len(lines) - 1, _units(lines[-1], encoding))

    client = await start(client=CLIENTS[encoding])
    uri = open_document(client, text)
    result = await inline(client, uri, *position)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.range is not None
    assert (item.range.start.line, item.range.start.character) == position
    body = fake.last_body()
    assert (body["prompt"], body["suffix"]) == (text[:offset], text[offset:])


async def test_incremental_edits_across_lines(client: LanguageClient, fake: FakeCodestral) -> None:
    uri = open_document(client, "one\ntwo\nthree\n")
    expected = "one\ntwo\nthree\n"

    change(client, uri, 2, "\nnew", (0, 3), (0, 3))  # insert a line
    expected = "one\nnew\ntwo\nthree\n"
    change(client, uri, 3, "EW\nTH", (1, 1), (3, 2))  # replace across three lines
    expected = "one\nnEW\nTHree\n"
    change(client, uri, 4, "", (2, 5), (3, 0))  # join with the (empty) last line
    expected = "one\nnEW\nTHree"
    change(client, uri, 5, "# 😀\r\n", (0, 0), (0, 0))  # CRLF and an astral character
    expected = "# 😀\r\none\nnEW\nTHree"

    result = await inline(client, uri, 3, 2)
    assert isinstance(result, types.InlineCompletionList)
    body = fake.last_body()
    assert body["prompt"] + body["suffix"] == expected
    assert body["suffix"] == "ree"


async def test_cancel_closes_the_http_stream(client: LanguageClient, fake: FakeCodestral) -> None:
    fake.set_mode("stall")
    uri = open_document(client, SOURCE)
    future = client.protocol.send_request(
        types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(uri, 1, 4), msg_id=4242
    )
    assert await asyncio.to_thread(fake.wait_for_requests, 1, 5.0)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=4242))
    with pytest.raises(Exception) as raised:
        await asyncio.wait_for(asyncio.wrap_future(future), 5)
    assert getattr(raised.value, "code", None) == -32800
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)


async def test_newer_request_supersedes_older(start: Start, fake: FakeCodestral) -> None:
    client = await start(env=server_env(fake, FIM_LSP_DEBOUNCE_MS="50"))
    fake.chunk_delay = 0.2
    uri = open_document(client, SOURCE)
    first = asyncio.ensure_future(inline(client, uri, 1, 4, invoked=False))
    await asyncio.sleep(0.01)
    second = asyncio.ensure_future(inline(client, uri, 1, 4, invoked=False))
    old, new = await asyncio.gather(first, second)
    assert isinstance(old, types.InlineCompletionList) and old.items == ()
    assert isinstance(new, types.InlineCompletionList)
    assert [item.insert_text for item in new.items] == ["return a + b"]
    # the debounce swallowed the first request: only one ever reached the provider
    assert len(fake.requests) == 1


async def test_superseded_stream_is_closed(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    fake.set_mode("stall", count=1)
    uri = open_document(client, SOURCE)
    first = asyncio.ensure_future(inline(client, uri, 1, 4, invoked=False))
    assert await asyncio.to_thread(fake.wait_for_requests, 1, 5.0)
    # the user moves to another place: the stalled stream (nothing produced) is not worth joining
    second = await inline(client, uri, 0, 0, invoked=False)
    assert isinstance(second, types.InlineCompletionList) and len(second.items) == 1
    old = await first
    assert isinstance(old, types.InlineCompletionList) and old.items == ()
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)


async def test_unknown_document_and_bad_positions(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    result = await inline(client, "file:///never/opened.py", 0, 0)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    assert fake.requests == []

    uri = open_document(client, "ab\ncd")
    result = await inline(client, uri, 0, 99)  # past the end of the line: clamped to it
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.range is not None and item.range.start == types.Position(line=0, character=2)
    assert (fake.last_body()["prompt"], fake.last_body()["suffix"]) == ("ab", "\ncd")

    result = await inline(client, uri, 7, 1)  # past the last line: the end of the document
    assert isinstance(result, types.InlineCompletionList)
    assert fake.last_body()["prompt"] == "ab\ncd"


async def test_disabled_language_sends_nothing(start: Start, fake: FakeCodestral) -> None:
    client = await start(initialization_options={"fimLsp": {"disabledLanguages": ["markdown"]}})
    uri = open_document(client, "# notes\n", uri="file:///work/notes.md", language="markdown")
    result = await inline(client, uri, 1, 0)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    assert fake.requests == []


async def test_one_keep_alive_connection_serves_many_requests(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    uri = open_document(client, SOURCE)
    for line, character in [(1, 4), (2, 0), (0, 0)]:  # three places: no cache hits
        result = await inline(client, uri, line, character)
        assert isinstance(result, types.InlineCompletionList) and len(result.items) == 1
    assert len(fake.requests) == 3
    assert fake.connections == 1


async def test_file_header_names_the_file_by_its_workspace_path(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(env=server_env(fake, FIM_LSP_FILE_HEADER="true"))
    uri = open_document(client, "x = \n", uri="file:///home/someone/project/src/app.py")
    await inline(client, uri, 0, 4)
    # the test client names no workspace folder: only the file name leaves the machine
    assert fake.last_body()["prompt"] == "# path: app.py\nx = "


async def test_file_header_uses_the_path_inside_the_workspace(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(
        env=server_env(fake, FIM_LSP_FILE_HEADER="true"),
        workspace="file:///home/someone/project",
    )
    uri = open_document(client, "x = \n", uri="file:///home/someone/project/src/app.py")
    await inline(client, uri, 0, 4)
    assert fake.last_body()["prompt"] == "# path: src/app.py\nx = "


@pytest.mark.parametrize(
    "uri", ["file:///p/.env", "file:///p/certs/server.pem", "file:///home/u/.ssh/id_rsa"]
)
async def test_secret_files_are_never_sent(
    client: LanguageClient, fake: FakeCodestral, uri: str
) -> None:
    uri = open_document(client, "API_KEY=", uri=uri, language="plaintext")
    result = await inline(client, uri, 0, 8)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    assert fake.requests == []


async def test_user_exclusion_patterns(start: Start, fake: FakeCodestral) -> None:
    client = await start(initialization_options={"exclude": ["internal/*"]})
    secret = open_document(client, "x = ", uri="file:///p/internal/plan.py")
    public = open_document(client, "x = ", uri="file:///p/src/app.py")
    result = await inline(client, secret, 0, 4)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    result = await inline(client, public, 0, 4)
    assert isinstance(result, types.InlineCompletionList) and len(result.items) == 1
    assert len(fake.requests) == 1


async def test_related_code_from_other_open_files_leads_the_prompt(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    open_document(
        client,
        "def compute_invoice(customer, items, tax_rate):\n    return sum(items) * tax_rate\n",
        uri="file:///p/billing.py",
    )
    open_document(client, "def render_button(label, color):\n    pass\n", uri="file:///p/ui.py")
    open_document(client, "customer_items_tax_rate = 'x'\n", uri="file:///p/.env")
    uri = open_document(client, "invoice = compute_invoice(customer, items, \n")
    await inline(client, uri, 0, 43)
    prompt = fake.last_body()["prompt"]
    assert prompt == (
        "# from billing.py:\n"
        "# def compute_invoice(customer, items, tax_rate):\n"
        "#     return sum(items) * tax_rate\n"
        "invoice = compute_invoice(customer, items, "
    )


async def test_a_definition_cut_by_chunk_borders_arrives_whole_under_one_header(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(initialization_options={"extraContextTokens": 600})
    header = "def compute_invoice(\n    customer,\n    items,\n    tax_rate,\n):\n"
    body = "    total = sum(item.price for item in items)\n    return total * tax_rate\n"
    notes = "".join(f"# invoice note {n}\n" for n in range(13))
    ends = "".join(f"# invoice end {n}\n" for n in range(12))
    billing = open_document(client, notes + "\n" + header + body + ends, uri="file:///p/billing.py")
    change(client, billing, 2, "", (17, 12), (17, 12))  # an edit inside the definition's header
    uri = open_document(client, "invoice = compute_invoice(customer, items, \n")
    await inline(client, uri, 0, 43)
    prompt = fake.last_body()["prompt"]
    assert prompt.count("# from billing.py:") == 1, prompt
    commented = "".join(f"# {line}".rstrip() + "\n" for line in (header + body).splitlines())
    assert commented in prompt, f"the definition arrived cut:\n{prompt}"
    sent = [line for line in prompt.splitlines() if line.startswith("# # invoice ")]
    assert len(sent) == len(set(sent)), "a line was sent twice"
    assert prompt.endswith("\ninvoice = compute_invoice(customer, items, ")


async def test_related_code_can_be_turned_off(start: Start, fake: FakeCodestral) -> None:
    client = await start(initialization_options={"extraContextTokens": 0})
    open_document(client, "def compute_invoice(customer, items):\n", uri="file:///p/billing.py")
    uri = open_document(client, "invoice = compute_invoice(customer, items)\n")
    await inline(client, uri, 0, 10)
    assert fake.last_body()["prompt"] == "invoice = "
