"""Benchmark: what a lecture's language costs where it adds work. Figures, not a test.

1. Detecting the notes' language (`language.detect`): the first call loads py3langid's model, later
   ones do not; a Chinese text is settled by its script without the model.
2. The teaching scene's lecture column (`setup_lecture` without rendering): English, Spanish, Chinese
   and Arabic lines, the Chinese and Arabic ones long enough to wrap; the font lookup (fontconfig,
   once per render process) apart.

    python benchmarks/language_benchmark.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

NOTES = {
    "zh": "特征向量在线性变换下只被拉伸或压缩，方向不变。解方程 det(A − λI) = 0 就得到所有特征值。" * 20,
    "es": "Un vector propio no cambia de dirección bajo una transformación lineal; solo se estira. " * 20,
    "fr": "Un vecteur propre garde sa direction sous une application linéaire ; il est seulement étiré. " * 20,
}
LINES = {
    "en": ("Eigenvectors", ["An eigenvector keeps its direction under the map", "Its eigenvalue is the factor"]),
    "es": ("Vectores propios", ["Un vector propio no cambia de dirección bajo la matriz", "El valor propio"]),
    "zh": ("特征向量", ["特征向量在线性变换下只被拉伸或压缩，方向不变", "特征值是拉伸的倍数"]),
    "ar": ("المتجهات الذاتية", ["المتجه الذاتي لا يغير اتجاهه تحت التحويل الخطي أبدا بل يتمدد فقط", "القيمة"]),
}
COLUMN = '''
import sys, time
from manim import tempconfig
from code2video_nb import fonts
from code2video_nb.teaching_scene import TeachingScene
t = time.perf_counter(); fonts.installed_families(); lookup = time.perf_counter() - t
title, lines = {title!r}, {lines!r}
class S(TeachingScene):
    def construct(self):
        t = time.perf_counter()
        self.setup_lecture(title, lines, animate=False)
        print(round(lookup, 3), round(time.perf_counter() - t, 3))
with tempconfig({{"dry_run": True, "media_dir": {media!r}}}):
    S().render()
'''


def detection(runs: int) -> None:
    from code2video_nb import language

    started = time.perf_counter()
    language.detect(NOTES["es"])
    print(f"detect, first call (loads the model): {time.perf_counter() - started:.2f} s")
    for tag, text in NOTES.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            found = language.detect(text)
            times.append(time.perf_counter() - started)
        print(f"detect {tag} ({len(text)} chars) -> {found.tag}: {statistics.median(times) * 1000:.1f} ms")


def column(runs: int, media: str) -> None:
    for tag, (title, lines) in LINES.items():
        lookups, setups = [], []
        for _ in range(runs):
            code = COLUMN.format(title=title, lines=lines, media=media)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            lookup, setup = map(float, out.split()[-2:])
            lookups.append(lookup)
            setups.append(setup)
        print(f"lecture column {tag}: setup_lecture {statistics.median(setups):.2f} s "
              f"(font lookup {statistics.median(lookups):.2f} s, once per render process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import tempfile

    detection(args.runs)
    with tempfile.TemporaryDirectory(prefix="c2v-language-") as media:
        column(args.runs, media)


if __name__ == "__main__":
    main()
