"""Unit tests of providers."""
