"""The critic: finds layout defects in a section and proposes patches in the anchor-grid language.

    findings.py   the shared data: what is on screen at a moment (Shot, Placed), Finding, Patch
    instrument.py runs inside the render process: the scene without frames, a Shot after every play/wait
    layout.py     pure rules over the shots: offscreen, overlap, occludes_lecture, too_small, stale_overlap
    vlm.py        the paper's VLM review of keyframes with the A1–F6 grid drawn over them (optional)
"""
