#!/usr/bin/env bash
# Runs the kernel-facing tests again on Colab's notebook stack: IPython 7.34, ipykernel 6.17,
# ipywidgets 7.7.1, traitlets 5.7.1 (googlecolab/backend-info), in a virtual environment of
# its own (no system site-packages). Called by .ci/run after the main test run; run it by
# hand the same way. Re-running reuses the environment (pip then has nothing to do).
# Needs what scripts/install.sh installs on the system (cairo, pango, TeX) for the renders.
#   COLAB_VENV=<dir>  where the environment lives (default: .venv-colab, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${COLAB_VENV:-.venv-colab}"
PINS=(
  ipython==7.34.0 ipykernel==6.17.1 ipywidgets==7.7.1 traitlets==5.7.1
  jupyter_client==6.1.12  # as in Colab's published pip freeze (googlecolab/backend-info)
  comm                    # imported by a bridge test; ipykernel 6.17 itself never hooks it
)
TESTS=(tests/test_notebook_kernel.py tests/test_bridge_kernel.py tests/test_notebook_display.py
       tests/test_panel_sync.py tests/test_panel_sync_kernel.py tests/test_cards.py tests/test_cards_kernel.py)

started=$SECONDS
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
PY="$VENV/bin/python"

echo "== installing code2video_nb[test] with Colab's pins: ${PINS[*]}"
# SKIP_JUPYTER_BUILDER=1: no Node here; Colab has no JupyterLab, so the extension is not needed
SKIP_JUPYTER_BUILDER=1 "$PY" -m pip install --quiet --disable-pip-version-check -e ".[test]" "${PINS[@]}"

"$PY" - <<'EOF'
import sys
import IPython, ipykernel, ipywidgets, jupyter_client, traitlets
print(f"== Colab stack: Python {sys.version.split()[0]}, IPython {IPython.__version__}, "
      f"ipykernel {ipykernel.__version__}, ipywidgets {ipywidgets.__version__}, "
      f"traitlets {traitlets.__version__}, jupyter_client {jupyter_client.__version__}")
want = {"IPython": "7.34.0", "ipykernel": "6.17.1", "ipywidgets": "7.7.1", "traitlets": "5.7.1"}
got = {"IPython": IPython.__version__, "ipykernel": ipykernel.__version__,
       "ipywidgets": ipywidgets.__version__, "traitlets": traitlets.__version__}
wrong = {k: v for k, v in got.items() if v != want[k]}
sys.exit(f"not the pinned versions: {wrong}" if wrong else 0)
EOF

echo "== kernel-facing tests on the Colab stack (set-up took $((SECONDS - started)) s)"
# pytest's summary stays the last line (CI reads it); its time plus the set-up is this step's.
exec "$PY" -m pytest -q -p no:cacheprovider "${TESTS[@]}"
