"""Run the fim-lsp server that ships inside the VS Code extension, on the libraries beside it."""

import os
import sys

# an older interpreter must still read this far, to say why it cannot run the server
if sys.version_info < (3, 11):  # noqa: UP036
    sys.stderr.write(
        "fim-lsp needs Python 3.11 or newer; this is Python %d.%d (%s).\n"  # noqa: UP031
        % (sys.version_info[0], sys.version_info[1], sys.executable)
    )
    sys.exit(2)

# the bundled libraries come first, so a different pygls or httpx the interpreter has is not used
LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
sys.path.insert(0, LIBS)

from fim_lsp.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
