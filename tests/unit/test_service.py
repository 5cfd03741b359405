"""The service without pygls: an edit that puts a suggestion in place prefetches the next one;
the rest of any item of a list is the same suggestion shown again."""

from __future__ import annotations

from fim_lsp.config import Settings
from fim_lsp.core.documents import Position, Range
from fim_lsp.core.notices import Status
from fim_lsp.service import Service
from tests.unit.fake_provider import FakeProvider
from tests.unit.virtual_time import idle, virtual_time

URI = "file:///work/demo.py"
SOURCE = "def add(a, b):\n    \n\nprint(add(1, 2))\n"
ENVIRON = {
    "FIM_LSP_STATS_FILE": "",  # keep no statistics on disk
    "FIM_LSP_FILE_HEADER": "false",
    "FIM_LSP_EXTRA_CONTEXT_TOKENS": "0",
}


class Editor:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.statuses: list[Status] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def send_status(self, status: Status) -> None:
        self.statuses.append(status)

    def workspace_roots(self) -> list[str]:
        return ["file:///work"]


class Providers:
    def __init__(self, provider: FakeProvider) -> None:
        self.provider = provider
        self.closed = False

    def create(self, settings: Settings) -> FakeProvider:
        return self.provider

    async def aclose(self) -> None:
        self.closed = True


def _service(provider: FakeProvider) -> Service:
    service = Service(Editor(), ENVIRON, providers=Providers(provider))
    service.apply_settings()
    service.documents.open(URI, SOURCE, version=1, language_id="python")
    return service


def _insert(service: Service, at: Position, text: str) -> None:
    """What the LSP text sync does on a didChange that inserts `text`."""
    service.documents.change(URI, 2, [(Range(at, at), text)])
    service.engine.edited(URI)
    service.inserted(URI, at, text)


@virtual_time
async def test_inserting_an_offered_suggestion_prefetches_the_next_and_an_edit_stops_it() -> None:
    provider = FakeProvider(reply="return a + b")
    service = _service(provider)
    answer = await service.suggest(URI, Position(1, 4), invoked=True, lane="inline")
    assert answer is not None
    (text,), _, cut = answer
    service.offer(text, URI, cut)
    provider.reply = None  # from now on the test drives each stream
    _insert(service, Position(1, 4), text)  # an editor without the accept command
    await idle()
    assert len(provider.streams) == 2  # the next suggestion, asked for at once
    prefetch = provider.last
    assert prefetch.request.prompt.endswith("    return a + b")
    assert prefetch.open
    _insert(service, Position(1, 16), "\n")
    await idle()
    assert prefetch.closed  # nobody joined it: the edit made it useless


@virtual_time
async def test_accepting_a_suggestion_that_is_not_in_the_document_starts_no_prefetch() -> None:
    provider = FakeProvider(reply="total = a + b\n    return total")
    service = _service(provider)
    answer = await service.suggest(URI, Position(1, 4), invoked=True, lane="inline")
    assert answer is not None and answer[0] == ["total = a + b\n    return total"]
    suggestion_id = service.offer(answer[0][0], URI, answer[2])
    service.accepted(suggestion_id)  # the accept command came before the edit (or never did)
    await idle()
    assert len(provider.streams) == 1


@virtual_time
async def test_an_excluded_file_never_reaches_the_provider() -> None:
    provider = FakeProvider(reply="SECRET=1")
    service = _service(provider)
    service.documents.open("file:///work/.env", "TOKEN=\n", version=1, language_id="dotenv")
    where = Position(0, 6)
    assert await service.suggest("file:///work/.env", where, invoked=True, lane="inline") is None
    assert provider.streams == []
    assert service.engine.status.kind == "inactive"


@virtual_time
async def test_the_rest_of_any_item_of_a_list_is_shown_once_with_it() -> None:
    service = _service(FakeProvider())
    document = service.documents.get(URI)
    assert document is not None
    at_start = service.cut_at(document, 1, 4)
    listed = [service.offer(text, URI, at_start) for text in ("return a + b", "return b + a", "x")]
    _insert(service, Position(1, 4), "re")  # typed the start of the first item, not the last
    typed = service.cut_at(document, 1, 6)
    rest = service.offer("turn a + b", URI, typed)
    for suggestion_id in (listed[0], rest):
        service.shown(suggestion_id)
    assert service.stats.days.popitem()[1].shown == 1, "the first item's rest counted as new"
