"""code2video_nb: topic -> plan -> Manim code -> scope-guided auto-fix -> lecture video."""

__version__ = "0.1.0"
