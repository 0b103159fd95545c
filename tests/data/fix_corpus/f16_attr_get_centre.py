# fix corpus: misspelt method
# bug: lines 22-22, block 2
# fix:         square.next_to(circle.get_center(), RIGHT)
# fact: get_center
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class AttrGetCentreScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Attr get centre", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side_length=1.0, color=GREEN)
        square.next_to(circle.get_centre(), RIGHT)
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
