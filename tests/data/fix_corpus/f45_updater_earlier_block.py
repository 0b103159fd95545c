# fix corpus: updater from block 1 fails in block 3's play
# bug: lines 17-17, block 1
# fix:         dot.add_updater(lambda m: m.set_x(tracker.get_value()))
# fact: get_value
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class UpdaterEarlierBlockScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Updater earlier block", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        tracker = ValueTracker(2)
        dot = Dot(color=YELLOW)
        dot.add_updater(lambda m: m.set_x(tracker.get_value))
        self.add(dot)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side_length=1.5, color=GREEN)
        self.place_at_grid(square, "B5")
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        self.play(tracker.animate.set_value(4), run_time=0.5)
