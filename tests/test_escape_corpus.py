"""The escape corpus: small sections that try to get out of the render, each run through the real
renderer with the static check lifted (as `--trust` does), so the runtime layer has to hold on
its own; and each also checked statically. Canaries prove nothing happened: no file outside the
render's folders, no program run, no connection accepted by a listener on loopback, no key in the
output, no signal delivered, the section's own file untouched.

Each entry: (id, snippet, static, runtime). `static`: the allowlist check flags it. `runtime`:
the render fails (False where the attempt is silently harmless, e.g. an exec that Landlock denies
inside a forked child: the canary is then the proof).
"""

from __future__ import annotations

import socket
import subprocess
import textwrap
from pathlib import Path

import pytest

from code2video_nb.sandbox.confine import SandboxSettings
from code2video_nb.render.renderer import render_file
from code2video_nb.sandbox.safety import check_code

KEY = "sk-canary-0123456789abcdef"
TOKEN = "canary-token-5678"

SH = '["sh", "-c", "touch CANARY"]'
CORPUS = [
    # running programs
    ("os.system", 'os.system("touch CANARY")', True, True),
    ("exec rebound to itself", 'global exec\nexec = exec\nexec("import os; os.system(\'touch CANARY\')")', True, True),
    ("os through a plain name", 'x = os\nx.system("touch CANARY")', True, True),
    ("os.path.os", 'os.path.os.system("touch CANARY")', True, True),
    ("vars(os)", 'vars(os)["system"]("touch CANARY")', True, True),
    ("operator.attrgetter", 'import operator\noperator.attrgetter("system")(os)("touch CANARY")', True, True),
    ("manim's capture", f"capture({SH})", True, True),
    ("timeit", 'import timeit\ntimeit.timeit("import os; os.system(\'touch CANARY\')", number=1)', True, True),
    ("subprocess", f"import subprocess\nsubprocess.run({SH})", True, True),
    ("getattr with a built name", 'getattr(os, "sys" + "tem")("touch CANARY")', True, True),
    ("__import__", f'__import__("subprocess").Popen({SH}).wait()', True, True),
    ("posix_spawn", 'os.posix_spawn("/bin/sh", ["sh", "-c", "touch CANARY"], {})', True, True),
    ("manim's own subprocess.run", f"utils.commands.run({SH})", True, True),
    ("latex with shell escape", 'import subprocess\nsubprocess.run(["latex", "-shell-escape", "x.tex"])', True, True),
    ("_posixsubprocess below the audit hook",
     "import _posixsubprocess, time\n"
     "r, w = os.pipe()\n"
     "_posixsubprocess.fork_exec([b'/bin/sh', b'-c', b'touch CANARY'], [b'/bin/sh'], True, (), None, None,"
     " -1, -1, -1, -1, -1, -1, r, w, False, False, -1, None, None, None, -1, None, False)\n"
     "time.sleep(0.5)", True, False),
    # native code
    ("ctypes", 'import ctypes\nctypes.CDLL(None).system(b"touch CANARY")', True, True),
    ("numpy's ctypeslib", 'np.ctypeslib.load_library("libc.so.6", "/lib/x86_64-linux-gnu").system(b"touch CANARY")',
     True, True),
    # network
    ("socket", 'import socket\nsocket.create_connection(("127.0.0.1", PORT)).sendall(b"x")', True, True),
    ("urllib", 'import urllib.request\nurllib.request.urlopen("http://127.0.0.1:PORT/")', True, True),
    ("http.client", 'import http.client\nhttp.client.HTTPConnection("127.0.0.1", PORT).request("GET", "/")', True, True),
    ("raw socket, no name look-up", 'import socket\nsocket.socket().connect(("127.0.0.1", PORT))', True, True),
    ("numpy DataSource", 'np.lib.npyio.DataSource(None).open("http://127.0.0.1:PORT/x.txt")', True, True),
    # writes outside the render's folders
    ("open for writing", 'open("OUT/a.txt", "w").write("x")', True, True),
    ("open rebound to itself", 'global open\nopen = open\nopen("OUT/a.txt", "w").write("x")', True, True),
    ("io.FileIO", 'import io\nio.FileIO("OUT/a.txt", "w").write(b"x")', True, True),
    ("np.save", 'np.save("OUT/a.npy", np.zeros(3))', True, True),
    ("ndarray.tofile", 'np.zeros(3).tofile("OUT/a.bin")', True, True),
    ("getattr write_text", 'getattr(Path("OUT/a.txt"), "write_text")("x")', True, True),
    ("zipfile", 'import zipfile\nzipfile.ZipFile("OUT/a.zip", "w").writestr("a", "b")', True, True),
    ("overwrite its own section file", 'Path(__file__).write_text("hacked")', True, True),
    ("move its own section file", 'Path(__file__).rename("OUT/moved.py")', True, True),
    ("shutil.copy", 'import shutil\nshutil.copy(__file__, "OUT/copy.py")', True, True),
    ("PIL Image.save", 'from PIL import Image\nImage.new("RGB", (2, 2)).save("OUT/a.png")', True, True),
    ("cairo write_to_png (C code, no audit event)",
     'import cairo\ncairo.ImageSurface(cairo.FORMAT_ARGB32, 4, 4).write_to_png("OUT/a.png")', True, True),
    # the worker sets media_dir for each pass, so this renders where it should: the canary is the proof
    ("manim config.media_dir", 'config.media_dir = "OUT"', False, False),
    ("write then catch the refusal",
     'try:\n    open("OUT/a.txt", "w").write("x")\nexcept Exception:\n    pass', True, True),
    # secrets
    ("os.environ", 'Text(os.environ["OPENAI_API_KEY"])', True, True),
    ("environment by getenv", 'print("KEY=" + str(os.getenv("MY_SERVICE_TOKEN")))\nassert os.getenv("MY_SERVICE_TOKEN")',
     True, True),
    ("/proc/self/environ", 'print(open("/proc/self/environ").read())', True, True),
    ("the parent's environ", 'print(open("/proc/%d/environ" % os.getppid()).read())', True, True),
    ("format string to globals", 'print("{0.__init__.__globals__}".format(Text))\nassert "sk-canary" in str(Text.__init__.__globals__)',
     True, True),
    # tampering with the sandbox
    ("sys.addaudithook", 'import sys\nsys.addaudithook(lambda *a: None)', True, True),
    ("gc.get_objects", 'import gc\nlen(gc.get_objects())', True, True),
    ("raise the memory limit", 'import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))', True, True),
    ("kill another process", 'os.kill(VICTIM, 9)', True, True),
    # exhausting the machine
    ("allocate 8 GB at once", 'x = bytearray(8 * 1024**3)', False, True),
    ("allocate memory bit by bit", 'x = [bytearray(64 * 1024**2) for _ in range(64)]', False, True),
    ("fill the disk", 'with open("big.bin", "wb") as f:\n    [f.write(bytes(1024**2)) for _ in range(64)]', True, True),
]

TEMPLATE = '''from manim import *
import os
import numpy as np
from pathlib import Path


class EscapeScene(Scene):
    def construct(self):
{body}
        self.play(Create(Circle()), run_time=0.1)
'''


@pytest.fixture(scope="module")
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def victim():
    proc = subprocess.Popen(["sleep", "600"])
    yield proc
    proc.kill()


def section(tmp_path: Path, snippet: str, port: int, victim_pid: int) -> tuple[Path, str]:
    body = (snippet.replace("CANARY", str(tmp_path / "canary")).replace("OUT", str(tmp_path / "out"))
            .replace("PORT", str(port)).replace("VICTIM", str(victim_pid)))
    code = TEMPLATE.format(body=textwrap.indent(body, " " * 8))
    path = tmp_path / "lecture" / "sections" / "1.py"
    path.parent.mkdir(parents=True)
    path.write_text(code)
    (tmp_path / "out").mkdir()
    return path, code


@pytest.mark.parametrize("name,snippet,static,runtime", CORPUS, ids=[c[0] for c in CORPUS])
def test_escape_is_contained(name, snippet, static, runtime, tmp_path, monkeypatch, listener, victim):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("MY_SERVICE_TOKEN", TOKEN)
    path, code = section(tmp_path, snippet, listener.getsockname()[1], victim.pid)

    findings = check_code(code)
    assert bool(findings) == static, findings
    if findings:  # the finding names a line of the snippet, not of the template
        assert 9 <= findings[0].line <= 8 + snippet.count("\n") + 1

    media = tmp_path / "lecture" / ".media"
    sandbox = SandboxSettings(memory_gb=1.0, file_gb=0.02)
    outcome = render_file(path, media_dir=media, timeout=60, sandbox=sandbox)

    if runtime:
        assert not outcome.ok, f"{name} ran to the end: {outcome.log[-2000:]}"
        assert outcome.line is None or 9 <= outcome.line <= 9 + snippet.count("\n")
    # canaries: nothing happened
    assert not (tmp_path / "canary").exists(), "a program ran"
    assert list((tmp_path / "out").iterdir()) == [], "a file was written outside the render's folders"
    assert path.read_text() == code, "the section file was changed"
    with pytest.raises(BlockingIOError):
        listener.accept()
    assert victim.poll() is None, "another process was killed"
    leaked = [p for p in media.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]
    assert KEY not in outcome.log and TOKEN not in outcome.log and not leaked, "a secret reached the output"


def test_refusals_name_the_line_and_say_what_was_refused(tmp_path, listener, victim):
    path, _ = section(tmp_path, 'x = 1\nopen("OUT/a.txt", "w")', 0, victim.pid)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=60, dry_run_only=True)
    assert outcome.error_type == "SandboxRefused" and outcome.line == 10
    assert "writing" in outcome.message and "only the render's own folders are writable" in outcome.message


def test_memory_limit_is_reported_in_the_users_terms(tmp_path, listener, victim):
    path, _ = section(tmp_path, "x = bytearray(3 * 1024**3)", 0, victim.pid)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=60, dry_run_only=True,
                          sandbox=SandboxSettings(memory_gb=1.0))
    assert outcome.line == 9 and "used more than 1 GB of memory" in outcome.message


def test_unconfined_lifts_the_runtime_layer(tmp_path, listener, victim):
    """--unconfined is the explicit way out (with a warning in the log): the same write succeeds."""
    path, _ = section(tmp_path, 'open("OUT/a.txt", "w").write("x")', 0, victim.pid)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=60, dry_run_only=True,
                          sandbox=SandboxSettings(enabled=False))
    assert outcome.ok and (tmp_path / "out" / "a.txt").read_text() == "x"
    assert "WITHOUT runtime confinement" in outcome.log


def test_the_render_has_its_own_network_namespace(tmp_path, listener, victim):
    """The kernel layer under the hook: a namespace with no route to the host's network."""
    import os

    path, _ = section(tmp_path, 'print("NETNS", os.readlink("/proc/self/ns/net"))', 0, victim.pid)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=60, dry_run_only=True)
    assert outcome.ok, outcome.log
    inside = [line.split()[1] for line in outcome.log.splitlines() if line.startswith("NETNS")]
    assert inside and inside[0] != os.readlink("/proc/self/ns/net")
