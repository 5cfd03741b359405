"""Unit tests of context."""
