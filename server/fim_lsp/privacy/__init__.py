"""What never leaves the machine: excluded and ignored files, redacted secrets, scrubbed messages."""
