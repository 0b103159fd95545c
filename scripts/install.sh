#!/usr/bin/env bash
# Installs everything code2video_nb needs on Debian/Ubuntu: the system libraries that
# manimpango and pycairo build against, a LaTeX subset for MathTex, espeak-ng for narration, Noto fonts for
# lectures in other scripts, and the package
# itself with its test and lint extras and the cluster engines `code2video batch` runs on (Dask, Ray), with the
# JupyterLab extension (labextension/) built from source (needs Node >= 20.19; SKIP_JUPYTER_BUILDER=1
# installs the Python package alone). Used by the README's first command and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  build-essential pkg-config libcairo2-dev libpango1.0-dev   # manimpango, pycairo
  texlive-latex-base texlive-latex-extra texlive-fonts-recommended texlive-science dvisvgm  # MathTex
  chromium fonts-dejavu-core   # the browser check (tests/test_browser.py): JupyterLab in headless Chromium
  espeak-ng   # the offline narration voice (code2video_nb/voices.py)
  fonts-noto-cjk fonts-noto-core   # lectures in Chinese/Japanese/Korean, Arabic, Devanagari… (code2video_nb/scripts.py)
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== system packages: ${SYSTEM_PACKAGES[*]}"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}"

python3 -m pip install --quiet --upgrade pip
if [ "${SKIP_JUPYTER_BUILDER:-}" != "1" ]; then
  # @rspack/core 2 (JupyterLab's builder) needs Node ^20.19 or >= 22.12; Debian 12's own nodejs is 18.
  node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)?0:1)'; }
  if ! node_ok && ! command -v node >/dev/null; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs || true
  fi
  if ! node_ok; then
    echo "Node >= 20.19 is needed to build the JupyterLab extension from source (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "Install it (e.g. from nodesource), or run SKIP_JUPYTER_BUILDER=1 bash scripts/install.sh for the Python package alone." >&2
    exit 1
  fi
  echo "== JupyterLab extension (labextension/, Node $(node --version)): jlpm install, build"
  python3 -m pip install --quiet "jupyter-builder>=1.2.0,<2"  # provides jlpm and jupyter-builder
  (cd labextension && jlpm install --silent && jlpm build:prod >/dev/null)
fi

echo "== python package (editable, with the test, browser-check, dask, ray and lint extras)"
# An earlier run linked the extension's folder into Jupyter's path (below). Reinstalling would
# remove the old install's files through that link, i.e. the fresh build: unlink it first.
link="$(python3 -c 'import sys; print(sys.prefix)')/share/jupyter/labextensions/code2video-nb"
if [ -L "$link" ]; then rm "$link"; fi
python3 -m pip install --quiet -e ".[test,browser,dask,ray,lint]"
if [ "${SKIP_JUPYTER_BUILDER:-}" != "1" ]; then
  # JupyterLab loads the extension from the checkout, so a later `jlpm build` needs no reinstall
  jupyter-builder develop --overwrite . >/dev/null
  echo "== $(jupyter labextension list 2>&1 | grep code2video-nb | sed 's/\x1b\[[0-9;]*m//g' | xargs)"
fi
echo "== installed: $(python3 -c 'import code2video_nb, manim; print("code2video_nb", code2video_nb.__version__, "/ manim", manim.__version__)')"
