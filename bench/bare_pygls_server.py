"""The smallest pygls language server, with no features: bench_startup.py's start-up baseline.

Run: python bench/bare_pygls_server.py (speaks LSP on stdin/stdout until `exit`)
"""

from pygls.lsp.server import LanguageServer


def main() -> None:
    LanguageServer("bare-pygls", "0").start_io()


if __name__ == "__main__":
    main()
