"""The critic: finds layout defects in a section and proposes patches in the anchor-grid language.

    findings.py   the shared data: what is on screen at a moment (Shot, Placed), Finding, Patch
    instrument.py runs inside the render process: the scene without frames, a Shot after every play/wait
    stage.py      (also in the render process) the frame, title, lecture lines and grid the scene uses
    critique.py   critique_file: the static check, the instrumented run (render.py), the record checked, the rules
    report.py     `code2video critique` output: one JSON object, or lines with the patch as a diff
    layout.py     pure rules over the shots: offscreen, overlap, occludes_lecture, too_small, stale_overlap
    patches.py    the patches, exact line edits in the grid language
    patch_check.py  every patch checked before it is offered: one that would break the picture is a note
    vlm.py        the paper's VLM review of keyframes with the A1–F6 grid drawn over them (optional)
"""
