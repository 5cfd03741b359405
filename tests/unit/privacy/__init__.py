"""Unit tests of privacy."""
