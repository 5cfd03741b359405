"""The only code that knows pygls and lsprotocol: the server, text sync, items, commands, transport."""
