"""Test doubles for the remote services fim-lsp talks to."""
