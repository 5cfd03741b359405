"""Unit tests of the fakes that stand in for the providers' APIs."""
