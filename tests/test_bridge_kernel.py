"""The kernel side of the code2video comm, against a real ipykernel and a scripted front end.

The "front end" here is this test: it sends execute requests carrying `metadata.cellId`
(as JupyterLab does), reads iopub, and answers the kernel's comms on the shell channel.
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest

from code2video_nb.notebook.bridge import FrontendBridge, current_cell_id, detect_frontend, labextension_installed

from kernel_harness import installed_labextension, of_type, opened, running_kernel, second_connection

@pytest.fixture(scope="module")
def fe(tmp_path_factory):
    with running_kernel(tmp_path_factory.mktemp("bridge")) as front:
        front.run("from code2video_nb.notebook.bridge import FrontendBridge, status_display\n"
                  "from code2video_nb.notebook.cells import cell_spec")
        yield front


HANDSHAKE = "{b} = FrontendBridge(get_ipython()); {b}.handshake()"


def test_ready_reply_makes_the_bridge_ready_from_the_next_cell(fe):
    hello = opened(fe.run(HANDSHAKE.format(b="b1")))
    assert hello["data"] == {"op": "hello", "protocol": 1, "client": fe.kc.session.session}
    assert fe.value("b1.state") == "unknown"  # nobody answered yet
    out = fe.comm_msg(hello["comm_id"], {"op": "ready", "version": "0.1.0"})
    assert any(m["content"]["comm_id"] == hello["comm_id"] for m in of_type(out, "comm_close"))  # done with it
    assert fe.value("[b1.state, b1.version, b1.real_cells, b1.frontend]") == ["ready", "0.1.0", True, "lab"]


def test_front_end_closing_the_comm_means_absent(fe):
    hello = opened(fe.run(HANDSHAKE.format(b="b2")))
    fe.comm_close(hello["comm_id"])
    assert fe.value("[b2.state, b2.real_cells]") == ["absent", False]
    out = fe.run("try:\n    b2.insert_cells([])\nexcept RuntimeError as e:\n    print(e)")
    assert "fallback" in "".join(m["content"]["text"] for m in of_type(out, "stream"))
    assert not of_type(out, "comm_open")


def test_silent_front_end_stays_unknown_and_never_blocks(fe):
    opened(fe.run(HANDSHAKE.format(b="b3")))
    started = time.monotonic()
    out = fe.run("b3.insert_cells([cell_spec('lec', '1', 'x = 1\\n')])")
    assert time.monotonic() - started < 3
    assert opened(out)["data"]["op"] == "insert_cells"
    assert fe.value("b3.state") == "unknown"


def test_insert_cells_answer_updates_the_status_after_the_cell(fe):
    hello = opened(fe.run(HANDSHAKE.format(b="b4")))
    fe.comm_msg(hello["comm_id"], {"op": "ready", "version": "0.1.0"})
    code = (
        "s4 = status_display('Inserting 2 cells…')\n"
        "replies4 = []\n"
        "def done4(reply):\n"
        "    replies4.append(reply)\n"
        "    s4.update(f\"Inserted {len(reply['cell_ids'])} cells ✓\" if reply['op'] == 'ok' else 'failed')\n"
        "rid4 = b4.insert_cells([cell_spec('eig', '1', 'a = 1\\n'), cell_spec('eig', '2', 'b = 2\\n')],"
        " on_reply=done4)\n"
    )
    out = fe.run(code, cell_id="magic-cell")
    request = opened(out)
    data = request["data"]
    assert data["op"] == "insert_cells" and data["after_cell_id"] == "magic-cell"
    assert data["client"] == fe.kc.session.session
    assert [c["source"] for c in data["cells"]] == ["%%c2v_section eig/1\na = 1\n", "%%c2v_section eig/2\nb = 2\n"]
    assert data["cells"][1]["metadata"] == {"code2video": {"lecture": "eig", "section": "2"}}
    shown = of_type(out, "display_data")[0]
    assert shown["content"]["data"]["text/markdown"] == "Inserting 2 cells…"
    display_id = shown["content"]["transient"]["display_id"]

    answer = fe.comm_msg(request["comm_id"], {"op": "ok", "request_id": data["request_id"],
                                              "cell_ids": ["new-1", "new-2"]})
    updates = of_type(answer, "update_display_data")
    assert [u["content"]["transient"]["display_id"] for u in updates] == [display_id]
    assert updates[0]["content"]["data"]["text/markdown"] == "Inserted 2 cells ✓"
    assert any(m["content"]["comm_id"] == request["comm_id"] for m in of_type(answer, "comm_close"))
    assert fe.value("[rid4, replies4]") == [data["request_id"], [{"op": "ok", "request_id": data["request_id"],
                                                                   "cell_ids": ["new-1", "new-2"]}]]


def test_replace_source_conflict_is_reported_not_claimed_as_success(fe):
    code = (
        "b5 = FrontendBridge(get_ipython()); b5.state = 'ready'\n"
        "s5 = status_display('Updating eig/2…')\n"
        "def done5(reply):\n"
        "    s5.update('Updated eig/2 ✓' if reply['op'] == 'ok' else\n"
        "              f\"Not updated: eig/2 changed in the notebook ({reply['op']})\")\n"
        "b5.replace_source('eig', '2', 'b = 3\\n', 'b = 2\\n', on_reply=done5)\n"
    )
    out = fe.run(code)
    request = opened(out)
    assert {k: request["data"][k] for k in ("op", "lecture", "section", "source", "expected_source")} == {
        "op": "replace_source", "lecture": "eig", "section": "2", "source": "b = 3\n", "expected_source": "b = 2\n"}
    answer = fe.comm_msg(request["comm_id"], {"op": "conflict", "request_id": request["data"]["request_id"],
                                              "message": "source changed"})
    texts = [u["content"]["data"]["text/markdown"] for u in of_type(answer, "update_display_data")]
    assert texts == ["Not updated: eig/2 changed in the notebook (conflict)"]
    assert not any("✓" in t for t in texts)


def test_reply_to_another_request_is_ignored(fe):
    out = fe.run("b6 = FrontendBridge(get_ipython()); got6 = []\n"
                 "b6.replace_source('l', 's', 'new', 'old', on_reply=got6.append)")
    request = opened(out)
    fe.comm_msg(request["comm_id"], {"op": "ok", "request_id": "someone-else"})
    assert fe.value("[got6, b6.state]") == [[], "unknown"]


def test_request_closed_unanswered_reports_an_error(fe):
    out = fe.run("b7 = FrontendBridge(get_ipython()); got7 = []\n"
                 "b7.insert_cells([cell_spec('l', '1', '')], on_reply=got7.append)")
    fe.comm_close(opened(out)["comm_id"])
    assert fe.value("[[r['op'] for r in got7], b7.state]") == [["error"], "absent"]


# A second connection without the extension (a console attached to the same kernel) closes every
# comm_open it sees, often before the notebook tab's answer: that close says nothing about the tab.

def test_a_console_closing_the_hello_first_leaves_the_tab_s_answer_to_decide(fe):
    with second_connection(fe) as console:
        hello = opened(fe.run(HANDSHAKE.format(b="b10")))
        console.comm_close(hello["comm_id"])
        assert fe.value("b10.state") == "unknown"  # not "absent": the tab has not answered yet
        answered = fe.comm_msg(hello["comm_id"], {"op": "ready", "version": "0.3.0"})
        assert any(m["content"]["comm_id"] == hello["comm_id"] for m in of_type(answered, "comm_close"))
        assert fe.value("[b10.state, b10.version]") == ["ready", "0.3.0"]


def test_a_console_closing_a_request_first_does_not_lose_the_tab_s_answer(fe):
    with second_connection(fe) as console:
        out = fe.run("b11 = FrontendBridge(get_ipython()); b11.state = 'ready'; got11 = []\n"
                     "b11.insert_cells([cell_spec('l', '1', 'x = 1\\n')], on_reply=got11.append)")
        request = opened(out)
        console.comm_close(request["comm_id"])
        assert fe.value("got11") == []  # no error reported for the console's close
        reply = {"op": "ok", "request_id": request["data"]["request_id"], "cell_ids": ["c1"]}
        fe.comm_msg(request["comm_id"], reply)
        assert fe.value("[got11, b11.state]") == [[reply], "ready"]


def test_a_console_closing_a_replace_first_then_the_tab_s_conflict_is_reported(fe):
    with second_connection(fe) as console:
        out = fe.run("b12 = FrontendBridge(get_ipython()); b12.state = 'ready'; got12 = []\n"
                     "b12.replace_source('l', '1', 'new', 'old', on_reply=got12.append)")
        request = opened(out)
        console.comm_close(request["comm_id"])
        console.comm_close(request["comm_id"])  # twice, or by two consoles: still ignored
        fe.comm_msg(request["comm_id"], {"op": "conflict", "request_id": request["data"]["request_id"]})
        assert fe.value("[r['op'] for r in got12]") == ["conflict"]


def test_the_tab_itself_closing_after_a_console_still_means_absent(fe):
    with second_connection(fe) as console:
        hello = opened(fe.run(HANDSHAKE.format(b="b13")))
        console.comm_close(hello["comm_id"])
        fe.comm_close(hello["comm_id"])  # the notebook tab has no extension either
        assert fe.value("b13.state") == "absent"
        out = fe.run("b13.state = 'unknown'; got13 = []\n"
                     "b13.insert_cells([cell_spec('l', '1', '')], on_reply=got13.append)")
        request = opened(out)
        console.comm_close(request["comm_id"])
        fe.comm_close(request["comm_id"])
        assert fe.value("[[r['op'] for r in got13], b13.state]") == [["error"], "absent"]


@pytest.mark.parametrize("setup, cell_id, frontend", [
    ("import sys, types; sys.modules['google.colab'] = types.ModuleType('google.colab')", "lab-cell", "colab"),
    ("", "vscode-notebook-cell:/tmp/x.ipynb#W1sZmlsZQ==", "vscode"),
    ("", None, "unknown"),  # classic Notebook / nbclient: no cellId
])
def test_no_extension_possible_means_absent_without_a_comm(fe, setup, cell_id, frontend):
    code = HANDSHAKE.format(b="b8")
    if setup:  # never leave the fake Colab module behind for the other tests
        code = f"{setup}\ntry:\n    {code}\nfinally:\n    sys.modules.pop('google.colab', None)"
    out = fe.run(code, cell_id=cell_id)
    assert not of_type(out, "comm_open")
    assert fe.value("[b8.state, b8.frontend]") == ["absent", frontend]


def test_ipykernel_comm_fallback_when_the_comm_package_is_not_hooked(fe):
    # ipykernel 6.17 (Colab) predates the comm package: create_comm gives a DummyComm there.
    code = ("import comm\n_real = comm.create_comm\n"
            "comm.create_comm = lambda **kw: comm.DummyComm(**kw)\n"
            "try:\n    b9 = FrontendBridge(get_ipython()); b9.handshake()\nfinally:\n    comm.create_comm = _real")
    hello = opened(fe.run(code))
    assert hello["data"]["op"] == "hello"
    fe.comm_msg(hello["comm_id"], {"op": "ready", "version": "0.2.0"})
    assert fe.value("[b9.state, b9.version]") == ["ready", "0.2.0"]


def test_plain_ipython_without_a_kernel(monkeypatch):
    monkeypatch.delenv("VSCODE_PID", raising=False)
    shell = SimpleNamespace()  # no .kernel: terminal IPython
    assert current_cell_id(shell) is None and detect_frontend(shell) == "unknown"
    bridge = FrontendBridge(shell)
    bridge.handshake()
    assert bridge.state == "absent" and not bridge.real_cells
    with pytest.raises(RuntimeError, match="fallback"):
        bridge.insert_cells([{"source": "x", "metadata": {}}])


def test_colab_cell_id_comes_from_its_metadata():
    parent = {"metadata": {"colab": {"cell_id": "abc"}}, "header": {}}
    shell = SimpleNamespace(kernel=SimpleNamespace(get_parent=lambda: parent))
    assert current_cell_id(shell) == "abc"


def test_jupyterlab_without_the_extension_gets_no_greeting(tmp_path):
    # An unanswered comm_open makes JupyterLab log an error in the browser console: never send one.
    with running_kernel(tmp_path, labextension=False) as front:
        out = front.run("%load_ext code2video_nb", "load-cell")
        assert not of_type(out, "comm_open")
        line = [m["content"]["data"]["text/plain"] for m in of_type(out, "display_data")]
        assert len(line) == 1 and "code2video_nb" in line[0] and "loaded" in line[0]
        assert "JupyterLab without the code2video extension" in line[0] and "panel" in line[0]


def test_load_ext_names_the_front_end_path_once_the_extension_answers(tmp_path):
    with running_kernel(tmp_path) as front:
        out = front.run("%load_ext code2video_nb", "load-cell")
        shown = of_type(out, "display_data")
        assert len(shown) == 1 and "waiting for the code2video extension" in shown[0]["content"]["data"]["text/plain"]
        answered = front.comm_msg(opened(out)["comm_id"], {"op": "ready", "version": "0.2.0"})
        updates = of_type(answered, "update_display_data")
        assert updates and updates[-1]["content"]["transient"] == shown[0]["content"]["transient"]
        assert "with the code2video extension 0.2.0" in updates[-1]["content"]["data"]["text/plain"]


@pytest.mark.parametrize("disabled, greets", [
    (None, True), ({"code2video-nb": True}, False), ({"code2video-nb:plugin": True}, False),
    (["code2video-nb"], False), ({"code2video-nb": False}, True), ({"other-ext": True}, True),
])
def test_a_labextension_disabled_in_jupyterlab_s_page_config_is_not_greeted(tmp_path, monkeypatch, disabled, greets):
    for name, value in installed_labextension(tmp_path).items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "config"
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(config))
    if disabled is not None:  # what `jupyter labextension disable code2video-nb` writes
        (config / "labconfig").mkdir(parents=True)
        (config / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    assert labextension_installed() is greets
