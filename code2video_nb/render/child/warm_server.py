"""The warm render server's first import (the forkserver's preload, before `render_worker`).

manim imports IPython when it can, only to register its `%%manim` magic in a running IPython;
a render process never has one, and the import is a quarter of the server's start (about 0.45 s
of CPU, paid by every kernel and every CLI run that renders). So the server, and every render
forked from it, has no IPython: manim's `from IPython import get_ipython` fails and it goes on
as it does where IPython is not installed. Imported nowhere else: a process that has IPython, or
may want it later (a kernel, a test), never imports this module.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("IPython", None)  # type: ignore[arg-type]  # None: `import IPython` raises ImportError
