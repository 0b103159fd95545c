"""What runs inside the sandboxed render process (forked from a warm forkserver that preloaded
`render_worker`, and so manim). Imports only the pure core, `teaching_scene`, `sandbox/` and
this package: never the parent's side (`render/`), the engine or the faces.

    warm_server.py        the warm server's first import: no IPython in a render process
    render_worker.py      the child's entry point: confine, run the check pass / critique / render
    render_job.py         the boundary both sides share: RenderJob in, RenderResult out (typed JSON)
    dry_run.py            the check pass: animations skipped, nothing drawn
    block_frames.py       keyframes at the end of each lecture-line block
    block_pacing.py       a block padded to its narration's length
    movie_cache.py        manim's partial-movie cache made cheap to hit
    svg_scratch.py        an SVG outside the writable folders read from a scratch copy
    tex_lookup.py         the shared TeX cache, read (render/tex_cache.py publishes)
    text_geometry.py      a text's outlines kept beside its SVG: parsed once per section
    critic_instrument.py  the critic's instrumented run: a Shot after every play/wait
    critic_stage.py       the critic's Stage of the running scene: frame, title, lecture, grid
"""
