#!/usr/bin/env bash
# Installs everything code2video_nb needs on Debian/Ubuntu: the system libraries that
# manimpango and pycairo build against, a LaTeX subset for MathTex, and the package
# itself with its test extras. Used by the README's first command and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  build-essential pkg-config libcairo2-dev libpango1.0-dev   # manimpango, pycairo
  texlive-latex-base texlive-latex-extra texlive-fonts-recommended texlive-science dvisvgm  # MathTex
  chromium fonts-dejavu-core   # the browser check (tests/test_browser.py): JupyterLab in headless Chromium
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== system packages: ${SYSTEM_PACKAGES[*]}"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}"

echo "== python package (editable, with the test and browser-check extras)"
python3 -m pip install --quiet --upgrade pip
python3 -m pip install --quiet -e ".[test,browser]"
echo "== installed: $(python3 -c 'import code2video_nb, manim; print("code2video_nb", code2video_nb.__version__, "/ manim", manim.__version__)')"
