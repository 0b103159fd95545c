"""The original's evaluation prompts, read at run time from a checkout of showlab/Code2Video that the
user names (never copied into this repository: our files hold only our own words).

The checkout's code is never run. Its Python files are parsed with `ast`, and the few statements
that build each prompt (string and f-string assignments, `if <name>:`, `return`, `.strip()`) are
evaluated here with the topic as the function's one argument; anything else in those functions
means the layout changed, and says so in a ConfigError naming the file. A bare git directory (a
mirror without a work tree) is read with `git cat-file` at HEAD.

What is read, from the original's layout:
- `prompts/stage5_eva.py`: `get_prompt_aes(topic)`, the AES rubric;
- `prompts/stage5_unlearning.py`: `get_unlearning_prompt(topic)` and
  `get_unlearning_and_video_learning_prompt(topic)`, the quiz's unlearned and video passes;
- `src/eval_TQ.py`: the string the plain pass starts with (`prefix` in `assess_baseline`), which
  does not name the topic.
"""

from __future__ import annotations

import ast
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..parse import parse

AES_FILE, AES_FUNCTION = "prompts/stage5_eva.py", "get_prompt_aes"
UNLEARNING_FILE = "prompts/stage5_unlearning.py"
UNLEARNED_FUNCTION, VIDEO_FUNCTION = "get_unlearning_prompt", "get_unlearning_and_video_learning_prompt"
QUIZ_FILE, PLAIN_FUNCTION, PLAIN_NAME = "src/eval_TQ.py", "assess_baseline", "prefix"
STRIP = ("strip", "lstrip", "rstrip")


class Unreadable(ValueError):
    """A prompt function uses something this reader does not evaluate (the checkout's layout changed)."""


@dataclass(frozen=True)
class Template:
    """One prompt function of the original: its parameter and the statements that build the text."""
    function: str
    parameter: str
    body: tuple[ast.stmt, ...]

    def __call__(self, topic: str) -> str:
        return run(self.body, {self.parameter: topic})


@dataclass(frozen=True)
class PaperPrompts:
    repo: Path
    commit: str | None  # the checkout's HEAD, when it is a git checkout
    aes: Template  # (topic) -> the AES rubric
    unlearned: Template  # (topic) -> the unlearned pass's instruction
    video: Template  # (topic) -> the video pass's instruction
    plain: str  # what the plain pass starts with (no topic)
    edited: tuple[str, ...] = ()  # files read that differ from the commit (a work tree's local edits)

    def where(self) -> str:
        """The checkout, and its commit when it is a git checkout (and the files read that differ
        from it: a report naming a commit must not hide that its prompts were edited)."""
        if not self.commit:
            return f"{self.repo}"
        edits = f", with local edits to {', '.join(self.edited)}" if self.edited else ""
        return f"{self.repo} (commit {self.commit[:7]}{edits})"


def load(repo: Path) -> PaperPrompts:
    """The prompts of the checkout at `repo`; ConfigError (one line, naming the path and what is
    missing) when it is not a checkout of the original or its layout changed."""
    repo = Path(repo).resolve()  # read afresh each time: an edit to the checkout counts at the next run
    if not repo.is_dir():
        raise ConfigError(f"--paper-repo {repo}: no such folder; name a checkout of showlab/Code2Video "
                          "(git clone https://github.com/showlab/Code2Video)")
    read = _reader(repo)
    rubric, unlearning = read(AES_FILE), read(UNLEARNING_FILE)
    aes, unlearned, video = (_template(function(source, name, repo, file), repo, file) for source, name, file in
                             ((rubric, AES_FUNCTION, AES_FILE), (unlearning, UNLEARNED_FUNCTION, UNLEARNING_FILE),
                              (unlearning, VIDEO_FUNCTION, UNLEARNING_FILE)))
    plain = assigned(read(QUIZ_FILE), PLAIN_FUNCTION, PLAIN_NAME, repo, QUIZ_FILE)
    commit = _commit(repo)
    edited = _edited(repo, read) if commit and (repo / ".git").exists() else ()
    return PaperPrompts(repo, commit, aes, unlearned, video, plain, edited)


def _reader(repo: Path):
    """A function reading a file of the checkout: from the work tree, or from HEAD of a bare git dir."""
    bare = not (repo / "prompts").is_dir() and (repo / "HEAD").is_file() and (repo / "objects").is_dir()

    def read(path: str) -> str:
        if bare:
            text = _git(repo, "cat-file", "blob", f"HEAD:{path}")
            if text is None:
                raise ConfigError(f"--paper-repo {repo}: the git directory has no {path} at HEAD; "
                                  "name a checkout of showlab/Code2Video")
            return text
        try:
            return (repo / path).read_text(encoding="utf-8")
        except OSError:
            raise ConfigError(f"--paper-repo {repo}: no {path} there; name the top folder of a checkout of "
                              "showlab/Code2Video") from None

    return read


def _commit(repo: Path) -> str | None:
    git_dir = repo / ".git" if (repo / ".git").exists() else repo
    head = _git(git_dir, "rev-parse", "HEAD") if (git_dir / "HEAD").exists() or git_dir.is_file() else None
    return head.strip() if head and len(head.strip()) == 40 else None


def _edited(repo: Path, read) -> tuple[str, ...]:
    """The files read whose text differs from HEAD's (compared here, not by `git status`, which
    could run the checkout's filters)."""
    return tuple(path for path in (AES_FILE, UNLEARNING_FILE, QUIZ_FILE)
                 if _git(repo / ".git", "cat-file", "blob", f"HEAD:{path}") != read(path))


def _git(git_dir: Path, *args: str) -> str | None:
    """Plumbing only (`cat-file`, `rev-parse`): no hooks, filters or checkout code run."""
    try:
        done = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


# -- reading the functions --------------------------------------------------------------------------

def _parse(source: str, repo: Path, file: str) -> ast.Module:
    try:
        return parse(source)
    except SyntaxError as exc:
        raise ConfigError(f"--paper-repo {repo}: {file} is not valid Python (line {exc.lineno})") from None


def function(source: str, name: str, repo: Path, file: str) -> ast.FunctionDef:
    """The function (or method) `name` defined anywhere in `source`."""
    for node in ast.walk(_parse(source, repo, file)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise ConfigError(f"--paper-repo {repo}: {file} defines no {name}(); the checkout's layout differs "
                      "from the one this version reads")


def assigned(source: str, function_name: str, variable: str, repo: Path, file: str) -> str:
    """The string first assigned to `variable` in `function_name`."""
    node = function(source, function_name, repo, file)
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and [getattr(t, "id", None) for t in stmt.targets] == [variable]:
            try:
                return value(stmt.value, {})
            except Unreadable as exc:
                raise ConfigError(f"--paper-repo {repo}: {file}, {function_name}(): {exc}") from None
    raise ConfigError(f"--paper-repo {repo}: {file}, {function_name}() assigns no {variable}")


def _template(node: ast.FunctionDef, repo: Path, file: str) -> Template:
    """The function as a template; evaluated once on a stand-in topic, so that a layout we cannot
    read fails when the protocol is chosen, not in the middle of a batch."""
    params = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
    if len(params) != 1:
        raise ConfigError(f"--paper-repo {repo}: {file}, {node.name}() should take the topic alone, "
                          f"not ({', '.join(params)})")
    template = Template(node.name, params[0], tuple(node.body))
    try:
        text = template("the topic")
    except Unreadable as exc:
        raise ConfigError(f"--paper-repo {repo}: {file}, {node.name}(): {exc}") from None
    if not text.strip():
        raise ConfigError(f"--paper-repo {repo}: {file}, {node.name}() returns no text")
    return template


def run(body, env: dict[str, str]) -> str:
    """Evaluate a prompt function's statements; the text it returns."""
    result = _run(body, dict(env))
    if result is None:
        raise Unreadable("it returns no string")
    return result


def _run(body, env: dict[str, str]) -> str | None:
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a docstring
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            env[stmt.targets[0].id] = value(stmt.value, env)
        elif isinstance(stmt, ast.If):
            result = _run(stmt.body if _truth(stmt.test, env) else stmt.orelse, env)
            if result is not None:
                return result
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            return value(stmt.value, env)
        else:
            raise Unreadable(f"line {stmt.lineno} is a {type(stmt).__name__}, not a string being built")
    return None


def value(node: ast.expr, env: dict[str, str]) -> str:
    """A string expression: a literal, an f-string of names, a name, `a + b`, or `x.strip()`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, ast.JoinedStr):
        return "".join(value(part, env) for part in node.values)
    if isinstance(node, ast.FormattedValue) and node.format_spec is None and node.conversion in (-1, ord("s")):
        return value(node.value, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return value(node.left, env) + value(node.right, env)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in STRIP
            and not node.args and not node.keywords):
        return getattr(value(node.func.value, env), node.func.attr)()
    raise Unreadable(f"line {getattr(node, 'lineno', '?')}: {ast.unparse(node)[:60]!r} is not a string we can read")


def _truth(test: ast.expr, env: dict[str, str]) -> bool:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return not _truth(test.operand, env)
    return bool(value(test, env))
