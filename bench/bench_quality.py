"""Benchmark: how well fim-lsp's post-processing fits model text to real code it was never tuned on.

Run: .venv/bin/python bench/bench_quality.py [--quick] [--split dev|heldout|both] [--examples K]

Cuts fill-in-the-middle holes out of the pinned corpora in bench/corpus (eight languages; `dev`
to develop the fitting rules on, `heldout` from other projects, only reported; see
bench/corpus/SOURCES.md and bench/quality_cases.py for the exact hole and overrun kinds), and has
a fake Codestral on 127.0.0.1 replay, for each hole, the true middle followed by a seeded kind of
model-like overrun. The real server (``python -m fim_lsp --stdio``, prefetch and adaptation off)
is driven over stdio with pygls' LanguageClient: one didOpen per file, then per case a didChange
that removes the middle, an ``Invoked`` inlineCompletion at the cursor, and a didChange that puts
the middle back. The suggestion's insertText is compared with the true middle, next to the raw
replayed text (what a client without post-processing would show) as the baseline. Prints a
markdown report for BENCHMARKS.md; exits 1 if a request fails, the server dies, or a replay
request matches no case (the report's FAILURES section says which). ``--quick`` takes one file
per language and corpus (seconds); the full run about a minute.

With ``--provider NAME`` (and ``--base-url``, ``--model``, ``--limit``) the same cases go to a
real provider instead, e.g. Codestral with MISTRAL_API_KEY set or a local llama-server, and the
report puts the model's raw text (``fim-lsp complete --raw``) beside what the server shows.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import random
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import SERVER_COMMAND, Failure, Server
from bench.quality_cases import (
    HOLES,
    LANGUAGES,
    OVERRUNS,
    SPLITS,
    SYNTAX,
    Case,
    assign_overrun,
    duplicates_suffix,
    find_sources,
    indent_unit,
    outcome,
    pick_holes,
    read_source,
)
from fim_lsp.privacy import redaction

SEED = 20261125
CHUNK_CHARS = 4  # characters per streamed token
PROMPT_KEY = 400  # characters of the prompt's end that identify a case ...
SUFFIX_KEY = 200  # ... with this many of the suffix's start


@dataclass(frozen=True)
class Plan:
    files: dict[str, int]  # files sampled per language
    per_kind: int  # holes of each kind per file (at most)


FULL = Plan(dict.fromkeys(LANGUAGES, 1000), 2)  # every file of the corpus
QUICK = Plan(dict.fromkeys(LANGUAGES, 1), 2)


class QualityServer(Server):
    """The benchmark driver's server, with documents of any language and deletions."""

    def open_as(self, uri: str, text: str, language_id: str) -> None:
        self._versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language_id, version=1, text=text
                )
            )
        )

    def replace(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """didChange: replace the range start..end (utf-16 positions) with ``text``."""
        self._versions[uri] += 1
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=start[0], character=start[1]),
                end=types.Position(line=end[0], character=end[1]),
            ),
            text=text,
        )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self._versions[uri]
                ),
                content_changes=[change],
            )
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )


def position(text: str, offset: int) -> tuple[int, int]:
    """(line, utf-16 column) of ``offset`` in ``text`` ("\\n" line breaks only)."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return line, len(text[start:offset].encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- cases


@dataclass
class FileCases:
    split: str
    language: str
    path: Path
    shown_path: str
    text: str
    cases: list[Case]


def build(plan: Plan, split: str, next_id: int = 0) -> tuple[list[FileCases], list[str]]:
    """The seeded cases of every language of the corpus `split`, and notes on the sources."""
    sources = find_sources(split)
    notes: list[str] = []
    files: list[FileCases] = []
    heads: set[str] = set()
    for language in LANGUAGES:
        source = sources[language]
        if not source.files:
            raise SystemExit(f"bench/corpus/{split}/{language} has no files")
        rng = random.Random(f"{SEED}:{split}:{language}")
        wanted = plan.files[language]
        pool = list(source.files)
        rng.shuffle(pool)
        taken = redacted = 0
        for path in pool:
            if taken >= wanted:
                break
            text = read_source(path)
            if text is None:
                continue
            if redaction.find(text):
                # the server sends such a file with secret-like strings redacted, so the replay
                # could not recognise its requests
                redacted += 1
                continue
            shown = source.name(path)
            holes = pick_holes(text, language, plan.per_kind, random.Random(f"{SEED}:{shown}"))
            if not holes:
                continue
            unit = indent_unit(text.split("\n"))
            cases = []
            for hole in holes:
                prefix, suffix = text[: hole.start], text[hole.end :]
                if suffix[:SUFFIX_KEY] in heads:
                    # the same text after the cursor twice (boilerplate): the server's cache
                    # could answer one case with another's suggestion
                    continue
                heads.add(suffix[:SUFFIX_KEY])
                case = Case(
                    id=next_id,
                    language=language,
                    path=shown,
                    uri=f"file:///bench-quality/{split}/{language}/f{taken:03d}"
                    f"{SYNTAX[language].extensions[0]}",
                    hole=hole.hole,
                    start=hole.start,
                    end=hole.end,
                    middle=hole.middle,
                    prefix=prefix,
                    suffix=suffix,
                )
                next_id += 1
                assign_overrun(case, unit, random.Random(f"{SEED}:{shown}:{hole.start}"))
                cases.append(case)
            if cases:
                files.append(FileCases(split, language, path, shown, text, cases))
                taken += 1
        notes.append(
            f"- {split}/{language}: {taken} of {len(source.files)} files"
            + (f" ({redacted} left out: the server redacts strings in them)" if redacted else "")
        )
    return files, notes


class Replay:
    """The fake model: finds the case by the prompt's end and the suffix's start."""

    def __init__(self, files: list[FileCases]) -> None:
        self.index: dict[str, list[Case]] = defaultdict(list)
        for file in files:
            for case in file.cases:
                self.index[case.suffix[:48]].append(case)
        self.unmatched = 0
        self.unmatched_examples: list[str] = []  # what such a request asked, for the report

    def __call__(self, prompt: str, suffix: str) -> str:
        for case in self.index.get(suffix[:48], []):
            if case.suffix.startswith(suffix[:SUFFIX_KEY]) and prompt.endswith(
                case.prefix[-PROMPT_KEY:]
            ):
                case.requests += 1
                return case.raw
        self.unmatched += 1
        if len(self.unmatched_examples) < 3:
            self.unmatched_examples.append(
                f"prompt ends {prompt[-60:]!r}, suffix starts {suffix[:40]!r}"
            )
        return ""


# --------------------------------------------------------------------------- running


async def drive(files: list[FileCases], env: dict[str, str], command: list[str]) -> QualityServer:
    server = QualityServer(env, command)
    await server.start()
    await server.configured()
    try:
        done = 0
        total = sum(len(f.cases) for f in files)
        for file in files:
            uri = file.cases[0].uri
            server.open_as(uri, file.text, SYNTAX[file.language].language_id)
            for case in file.cases:
                start, end = position(file.text, case.start), position(file.text, case.end)
                server.replace(uri, start, end, "")
                case.shown, _ = await server.inline(uri, *start, invoked=True)
                server.replace(uri, start, start, case.middle)
                done += 1
            server.close(uri)
            server.check_alive()
            if done * 10 // total != (done - len(file.cases)) * 10 // total:
                print(f"  {done}/{total} cases", file=sys.stderr, flush=True)
    except BaseException:
        await _stop(server)
        raise
    return server


async def _stop(server: QualityServer) -> str | None:
    try:
        await server.stop()
    except Failure as failure:
        return str(failure)
    return None


# --------------------------------------------------------------------------- report


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


@dataclass
class Tally:
    n: int = 0
    exact: int = 0
    prefix: int = 0
    empty: int = 0
    dup: int = 0
    raw_exact: int = 0
    raw_dup: int = 0

    def add(self, case: Case) -> None:
        self.n += 1
        got = outcome(case.shown, case)
        self.exact += got == "exact"
        self.prefix += got.startswith("prefix")
        self.empty += got == "empty"
        self.dup += duplicates_suffix(case.shown, case)
        raw = outcome(case.raw, case)
        self.raw_exact += raw == "exact"
        self.raw_dup += duplicates_suffix(case.raw, case)

    def cells(self) -> list[str]:
        n = self.n
        return [
            str(n),
            f"**{pct(self.exact, n)}**",
            pct(self.prefix, n),
            pct(self.empty, n),
            f"**{pct(self.dup, n)}**",
            pct(self.raw_exact, n),
            pct(self.raw_dup, n),
        ]


HEAD = (
    "| {label} | cases | shown: exact | shown: prefix of middle | shown: empty "
    "| shown: duplicates suffix | raw: exact | raw: duplicates suffix |"
)
RULE = "|---|---:|---:|---:|---:|---:|---:|---:|"


def table(label: str, groups: Iterable[tuple[str, list[Case]]]) -> list[str]:
    out = [HEAD.format(label=label), RULE]
    for name, cases in groups:
        tally = Tally()
        for case in cases:
            tally.add(case)
        out.append("| " + " | ".join([name, *tally.cells()]) + " |")
    return out


def grouped(
    cases: list[Case], key: Callable[[Case], str], order: Iterable[str]
) -> list[tuple[str, list[Case]]]:
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[key(case)].append(case)
    return [(name, groups[name]) for name in order if groups.get(name)]


def matrix(cases: list[Case]) -> list[str]:
    kinds = [k for k in OVERRUNS if any(c.overrun == k for c in cases)]
    out = [
        "| hole \\ overrun | " + " | ".join(kinds) + " |",
        "|---|" + "---:|" * len(kinds),
    ]
    for hole in HOLES:
        cells = []
        for kind in kinds:
            group = [c for c in cases if c.hole == hole and c.overrun == kind]
            exact = sum(outcome(c.shown, c) == "exact" for c in group)
            cells.append(f"{exact}/{len(group)}" if group else "-")
        out.append(f"| {hole} | " + " | ".join(cells) + " |")
    return out


def misses(cases: list[Case]) -> tuple[list[str], list[tuple[tuple[str, str, str], list[Case]]]]:
    classes: dict[tuple[str, str, str], list[Case]] = defaultdict(list)
    for case in cases:
        got = outcome(case.shown, case)
        if got != "exact":
            classes[(case.hole, case.overrun, got)].append(case)
    ranked = sorted(classes.items(), key=lambda item: (-len(item[1]), item[0]))
    out = [
        "| hole | overrun | what was shown | cases | of the (hole, overrun) cases |",
        "|---|---|---|---:|---:|",
    ]
    totals = Counter((c.hole, c.overrun) for c in cases)
    for (hole, kind, got), group in ranked[:15]:
        out.append(
            f"| {hole} | {kind} | {got} | {len(group)} | {pct(len(group), totals[(hole, kind)])} |"
        )
    return out, ranked


def clip(text: str | None, limit: int = 160) -> str:
    if text is None:
        return "None"
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


def examples(ranked: list[tuple[tuple[str, str, str], list[Case]]], k: int) -> list[str]:
    out = ["### Examples of misses", ""]
    for (hole, kind, got), group in ranked[:12]:
        out += [f"#### {hole} / {kind} / {got} ({len(group)} cases)", ""]
        picks = random.Random(f"{SEED}:{hole}:{kind}:{got}").sample(group, min(k, len(group)))
        for case in picks:
            out += [
                f"- `{case.path}` (case {case.id})",
                f"  - prefix tail: {clip(case.prefix[-80:])}",
                f"  - suffix head: {clip(case.suffix[:80])}",
                f"  - true middle: {clip(case.middle)}",
                f"  - raw:         {clip(case.raw)}",
                f"  - shown:       {clip(case.shown)}",
            ]
        out.append("")
    return out


def environment(command: list[str]) -> list[str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return [
        f"- Command: `{shlex.join(sys.orig_argv)}`",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; fim-lsp {version('fim-lsp')}, pygls {version('pygls')}",
        f"- Server: `{shlex.join(['python', *command[1:]])}` with default settings (maxLines 12, "
        "prefixTokens 1800, suffixTokens 600), driven over stdio by pygls' LanguageClient (utf-16 positions); "
        f"the fake Codestral on 127.0.0.1 streams {CHUNK_CHARS} characters per token and "
        "honours the request's `stop` (the server sends `\\n` as a stop for mid-line holes).",
        "- Each file is opened once under a neutral name (`file:///bench-quality/<corpus>/<language>/"
        "fNNN.<ext>`, so no file is excluded by name); per case, a didChange removes the middle, "
        "an `Invoked` inlineCompletion asks at the cursor, and a didChange puts the middle back. "
        "No two cases share the first 200 characters after the cursor, so the server's cache "
        "cannot answer one case with another's suggestion.",
    ]


def report_header(
    notes: list[str], command: list[str], quick: bool, took: float, n: int
) -> list[str]:
    return [
        f"## Suggestion quality: replayed overrun on real code ({'quick' if quick else 'full'} run)",
        "",
        *environment(command),
        f"- Seed {SEED}; {n} cases; run time {took:.0f} s.",
        "",
        "Sources (`bench/corpus/SOURCES.md`: projects, commits, licences): `dev` is the corpus "
        "the fitting rules are developed on; `heldout` comes from other projects and is only "
        "reported, never tuned on.",
        "",
        *notes,
        "",
        "Hole kinds (`bench/quality_cases.py` defines each exactly): **rest_of_line** (cursor at "
        "a sub-expression, the line's closing run stays right of it), **whole_line** (a "
        "statement after its indentation), **opener_line** (a line opening a block whose body "
        "follows), **empty_line** (a statement's whole line, indentation included, asked from "
        "column 0), **block_body** (a line break and a block's 1-8 body lines, asked at the end "
        "of the opener), **mid_expression** (call arguments up to the matching `)`), "
        "**in_comment** (the rest of a comment line), **in_string** (the rest of a one-line "
        "string literal, its closing quote stays right of the cursor).",
        "",
        "Overrun kinds (one per case, seeded, uniform over the kinds that apply to the case):",
        "",
        *(f"- `{kind}`: {text}" for kind, text in OVERRUNS.items()),
        "",
        "Measures. **shown**: the inline item's insertText (no item: empty). **raw**: the "
        "replayed text as the model produced it, no post-processing (a naive client). "
        "**exact**: equal to the true middle. **prefix of middle**: non-empty, shorter, and the "
        "true middle starts with it (stopping early, e.g. at a line end, may be acceptable). "
        "**duplicates suffix**: inserting it repeats text that already follows the cursor: "
        "either what it adds beyond its longest common prefix with the true middle is, "
        "whitespace-normalised and non-blank, the start of the text after the cursor, or it has "
        "more lines equal to the first non-blank line below the cursor's line than the true "
        "middle has. Target 0.",
        "",
    ]


def report_split(split: str, cases: list[Case]) -> list[str]:
    by_language = grouped(cases, lambda c: c.language, LANGUAGES)
    by_hole = grouped(cases, lambda c: c.hole, HOLES)
    by_overrun = grouped(cases, lambda c: c.overrun, OVERRUNS)
    miss_table, _ = misses(cases)
    closer_after = [c for c in cases if c.line_suffix.lstrip()[:1] in (")", "]", "}")]
    return [
        f"### `{split}`: per language",
        "",
        *table("language", by_language),
        "",
        f"### `{split}`: per hole kind",
        "",
        *table("hole kind", by_hole),
        *table("", [("(any kind) the line continues with a closer", closer_after)])[2:],
        "",
        f"### `{split}`: per overrun kind",
        "",
        *table("overrun kind", by_overrun),
        "",
        f"### `{split}`: exact matches of the shown text, hole kind x overrun kind",
        "",
        *matrix(cases),
        "",
        f"### `{split}`: the largest classes of misses (shown text)",
        "",
        *miss_table,
        "",
    ]


def report(
    files: list[FileCases], notes: list[str], command: list[str], quick: bool, took: float
) -> list[str]:
    cases = [case for file in files for case in file.cases]
    splits = grouped(cases, lambda c: _split_of[c.id], SPLITS)
    lines = report_header(notes, command, quick, took, len(cases))
    lines += ["### Overall", "", *table("corpus", splits), ""]
    for split, group in splits:
        lines += report_split(split, group)
    return lines


_split_of: dict[int, str] = {}


def write_dump(path: Path, cases: list[Case]) -> None:
    """Every case as a JSON line, for digging into the misses."""
    records = []
    for case in cases:
        record = {k: v for k, v in vars(case).items() if k not in ("prefix", "suffix")}
        record["prefix_tail"] = case.prefix[-300:]
        record["suffix_head"] = case.suffix[:300]
        record["split"] = _split_of[case.id]
        record["outcome"] = outcome(case.shown, case)
        record["duplicates_suffix"] = duplicates_suffix(case.shown, case)
        records.append(json.dumps(record) + "\n")
    path.write_text("".join(records), encoding="utf-8")


async def run(arguments: argparse.Namespace) -> int:
    plan = QUICK if arguments.quick else FULL
    wall = time.perf_counter()
    print("… building cases", file=sys.stderr, flush=True)
    files: list[FileCases] = []
    notes: list[str] = []
    for split in arguments.split:
        built, told = build(plan, split, next_id=sum(len(f.cases) for f in files))
        files += built
        notes += told
    for file in files:
        for case in file.cases:
            _split_of[case.id] = file.split
    cases = [case for file in files for case in file.cases]
    if not cases:
        print("no cases could be built", file=sys.stderr)
        return 1
    command = shlex.split(arguments.server_command) if arguments.server_command else None
    command = command or list(SERVER_COMMAND)
    if arguments.provider:
        return await run_provider(arguments, files, notes, command, wall)
    print(f"  {len(cases)} cases in {len(files)} files", file=sys.stderr, flush=True)
    replay = Replay(files)
    failures: list[str] = []
    server: QualityServer | None = None
    with FakeCodestral(completion=replay, chunk_chars=CHUNK_CHARS) as fake:
        # one request per case: no prefetch after an accept, no adaptation to earlier cases
        env = server_env(fake, FIM_LSP_PREFETCH="false", FIM_LSP_ADAPT_TO_USAGE="false")
        try:
            server = await drive(files, env, command)
        except Failure as failure:
            failures.append(str(failure))
        else:
            problem = await _stop(server)
            if problem:
                failures.append(problem)
    took = time.perf_counter() - wall
    lines = report(files, notes, command, arguments.quick, took)
    if replay.unmatched:
        failures.append(
            f"{replay.unmatched} provider request(s) matched no case, e.g. "
            + "; ".join(replay.unmatched_examples)
        )
    unasked = [c for c in cases if c.requests != 1]
    if unasked and not failures:
        lines += [
            f"Note: {len(unasked)} case(s) did not reach the provider exactly once "
            "(answered from the cache, or asked twice).",
            "",
        ]
    if server is not None:
        problems = server.log_problems()
        if problems:
            lines += ["### Server log warnings and errors", ""]
            lines += [f"- {count} x {line}" for line, count in problems.most_common(20)]
            lines.append("")
        if server.messages:
            lines += ["### window/showMessage", "", *(f"- {m}" for m in server.messages), ""]
    if arguments.examples:
        lines += examples(misses(cases)[1], arguments.examples)
    return finish_report(lines, cases, failures, arguments.dump)


def finish_report(
    lines: list[str], cases: list[Case], failures: list[str], dump: str | None
) -> int:
    """Print the report with its FAILURES section, write the dump if asked; the exit status."""
    if dump:
        write_dump(Path(dump), cases)
    if failures:
        lines += ["### FAILURES", "", *(f"- {f}" for f in failures), ""]
    print("\n".join(lines))
    return 1 if failures else 0


# --------------------------------------------------------------------------- a real provider


def provider_env(arguments: argparse.Namespace) -> dict[str, str]:
    """This environment (its keys included) without FIM_LSP_* settings, set for the provider."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIM_LSP_")}
    env.update(
        FIM_LSP_PROVIDER=arguments.provider,
        FIM_LSP_PREFETCH="false",
        FIM_LSP_ADAPT_TO_USAGE="false",
        FIM_LSP_STATS_FILE="",
    )
    if arguments.model:
        env["FIM_LSP_MODEL"] = arguments.model
    if arguments.base_url:
        env["FIM_LSP_BASE_URL"] = arguments.base_url
    return env


def raw_answer(case: Case, env: dict[str, str], folder: Path) -> str:
    """The provider's own text for `case`: `fim-lsp complete --raw` on the file with the hole."""
    path = folder / f"case{case.id}{SYNTAX[case.language].extensions[0] or '.sh'}"
    path.write_text(case.prefix + case.suffix, encoding="utf-8")
    line = case.prefix.count("\n") + 1
    column = len(case.line_prefix) + 1
    done = subprocess.run(
        [sys.executable, "-m", "fim_lsp", "complete", "--raw", f"{path}:{line}:{column}"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise Failure(f"fim-lsp complete --raw failed for case {case.id}: {done.stderr.strip()}")
    return done.stdout.removesuffix("\n")


async def run_provider(
    arguments: argparse.Namespace,
    files: list[FileCases],
    notes: list[str],
    command: list[str],
    wall: float,
) -> int:
    """The same cases asked of a real provider: its raw text beside what the server shows."""
    chosen: list[FileCases] = []
    for split in arguments.split:
        pool = [case for file in files if file.split == split for case in file.cases]
        keep = {case.id for case in random.Random(f"{SEED}:{split}").sample(
            pool, min(arguments.limit, len(pool))
        )}  # fmt: skip
        for file in files:
            if file.split == split and (kept := [c for c in file.cases if c.id in keep]):
                chosen.append(dataclasses.replace(file, cases=kept))
    cases = [case for file in chosen for case in file.cases]
    print(f"  {len(cases)} cases, asking {arguments.provider}", file=sys.stderr, flush=True)
    env = provider_env(arguments)
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            for case in cases:
                case.raw = raw_answer(case, env, Path(folder))
            server = await drive(chosen, env, command)
        except Failure as failure:
            failures.append(str(failure))
        else:
            if problem := await _stop(server):
                failures.append(problem)
    took = time.perf_counter() - wall
    splits = grouped(cases, lambda c: _split_of[c.id], SPLITS)
    lines = [
        f"## Suggestion quality against {arguments.provider} (real model)",
        "",
        *environment(command),
        f"- Provider `{arguments.provider}`, model `{arguments.model or 'default'}`; "
        f"{len(cases)} cases (seeded sample of at most {arguments.limit} per corpus); "
        f"run time {took:.0f} s.",
        "- **raw**: `fim-lsp complete --raw` for the case (the model's own text); **shown**: "
        "what the server's inline completion shows. They are two requests: a model that "
        "samples may answer them differently.",
        "",
        *notes,
        "",
        *table("corpus", splits),
        "",
    ]
    for split, group in splits:
        lines += [f"### `{split}`: per language", "", *table("language", grouped(
            group, lambda c: c.language, LANGUAGES
        )), ""]  # fmt: skip
    return finish_report(lines, cases, failures, arguments.dump)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a few files per language")
    parser.add_argument(
        "--examples", type=int, default=0, metavar="K", help="print K examples per miss class"
    )
    parser.add_argument(
        "--split",
        choices=[*SPLITS, "both"],
        default="both",
        help="which corpus to run (default both; a rule is tuned on dev, never on heldout)",
    )
    parser.add_argument("--dump", metavar="PATH", help="write every case as a JSON line to PATH")
    parser.add_argument(
        "--server-command",
        metavar="CMD",
        help="start the server with this command line instead (for A/B runs)",
    )
    parser.add_argument(
        "--provider",
        metavar="NAME",
        help="ask a real provider instead of the replay (mistral, codestral, ollama, llamacpp, "
        "openai; its key from the environment), e.g. a local llama-server with --base-url",
    )
    parser.add_argument("--model", help="with --provider: the model to ask")
    parser.add_argument("--base-url", help="with --provider: where the provider listens")
    parser.add_argument(
        "--limit", type=int, default=150, help="with --provider: cases per corpus (default 150)"
    )
    arguments = parser.parse_args()
    arguments.split = list(SPLITS) if arguments.split == "both" else [arguments.split]
    sys.exit(asyncio.run(run(arguments)))


if __name__ == "__main__":
    main()
