"""Unit tests of usage."""
