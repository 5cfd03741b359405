"""Providers: one module per wire protocol behind one small interface, which is all this exports."""

from fim_lsp.providers.base import ErrorKind, FimRequest, Provider, ProviderError

__all__ = ["ErrorKind", "FimRequest", "Provider", "ProviderError"]
