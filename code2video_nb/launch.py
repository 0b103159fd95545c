"""The `code2video` command's entry point: start the render server, then load the CLI.

A command that renders waits for two imports: the CLI's own (the engine, the model client,
narration: about a second) and manim's in the render server (`renderer.warm_up`: two to three
seconds), which otherwise starts only when the first render does. Started here, before the CLI
is imported, the server imports manim while the CLI imports the rest, so a one-section render
(`code2video render <lecture> --section N`) costs about what a plain `manim -ql` of the file
does (`benchmarks/section_render_benchmark.py`). Commands that do not render start nothing.
"""

from __future__ import annotations

import sys

RENDERING = frozenset({"generate", "demo", "render", "export", "critique"})


def renders(argv: list[str]) -> bool:
    """Whether these arguments ask for a command that runs a scene (help and --no-render do not)."""
    command = next((a for a in argv if not a.startswith("-")), None)
    return command in RENDERING and not {"-h", "--help", "--no-render"} & set(argv)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if renders(args):
        from .render.renderer import warm_up  # light: manim is imported by the server, not here

        warm_up()  # the default key variable is the only one the CLI knows (Settings.api_key_env)
    from .cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
