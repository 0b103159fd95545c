"""The critic: finds layout defects in a section and proposes patches in the anchor-grid language.

Its data (`Shot`, `Placed`, `Finding`, `Patch`, `Stage`) is `findings.py` in the pure core; what runs
inside the render process is `render/child/critic_instrument.py` and `critic_stage.py`; the rounds
that patch and re-judge a section during a build are `critic_loop.py`, beside the engine.

    critique.py   critique_file: the static check, the instrumented run (render_file), the record checked, the rules
    report.py     `code2video critique` output: one JSON object, or lines with the patch as a diff
    layout.py     pure rules over the shots: offscreen, overlap, occludes_lecture, too_small, stale_overlap
    patches.py    the patches, exact line edits in the grid language
    patch_check.py  every patch checked before it is offered: one that would break the picture is a note
    vlm.py        the paper's VLM review of keyframes with the A1–F6 grid drawn over them (optional)
"""
