"""fim-lsp: fill-in-the-middle AI completions as ghost text in any LSP editor."""

__version__ = "0.1.0"
