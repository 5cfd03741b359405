"""Unit tests of lsp."""
