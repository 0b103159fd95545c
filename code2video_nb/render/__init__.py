"""Rendering a section file out of process: the parent's side (the kernel or the CLI).

    renderer.py       render_file, RenderOptions, RenderOutcome, Renderer, warm_up: the forkserver,
                      the time limit, the child's result read back as untrusted data
    render_key.py     content_hash: what a render depends on
    render_prefix.py  which plays of a re-render are unchanged, from the code alone
    mp_internals.py   the CPython multiprocessing internals the render processes rely on
    tex_cache.py      the shared TeX cache's publishing side (the parent writes it, the child reads)
    child/            everything that runs inside the sandboxed render process

This package's `__init__` imports nothing: the render child imports `render.child.*`, and
Python imports each parent package on the way, so it must stay empty.
"""
