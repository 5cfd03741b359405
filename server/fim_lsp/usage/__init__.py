"""How suggestions are used: local statistics, adaptation to use, the prompt inspector."""
