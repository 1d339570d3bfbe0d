#!/usr/bin/env python3
"""Reruns the command outputs the Markdown docs quote and compares them (called by scripts/docs-examples.sh).

A quoted output is a fenced block right after a marker comment, which Markdown does not render:

    <!-- example: luthier-cli inspect resources/examples/tfc_2w2a/TFC_2W2A.onnx | head -n 3 -->
    ```
    ...the output...
    ```

The command runs in bash with `luthier-cli` resolving to the binary under test, from a scratch copy of the
repository root (its entries are symlinks, `../shared` is the real shared folder), so files a command writes
(`compile -o tfc`) stay out of the tree and later markers of the same doc can read them; in the output that
scratch root reads /path/to/luthier (and its shared folder /path/to/shared). Options follow the
command, separated by ` ; `:
    mask: REGEX   replaced by <masked> on both sides before comparing (seconds, vectors/s, paths); repeatable
    exit: N       the exit status the command must have (default 0)
A block line that is just `...` matches any number of output lines; --update leaves such blocks alone.
A block whose first line starts with `$ ` shows the command: that line must be `$ ` and the marker's command.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARKER = re.compile(r"^<!-- example: (.*) -->\s*$")
FENCE = re.compile(r"^(```+|~~~+)")
ELLIPSIS = "..."


class Example:
    def __init__(self, path, marker_line, command, masks, exit_code, start, end, expected):
        self.path = path
        self.marker_line = marker_line  # 1-based line of the marker
        self.command = command
        self.masks = masks
        self.exit_code = exit_code
        self.start = start  # 0-based index of the first block line (after the opening fence)
        self.end = end  # 0-based index of the closing fence
        self.expected = expected


def parse_marker(text, where):
    parts = text.split(" ; ")
    command, masks, exit_code = parts[0].strip(), [], 0
    for option in parts[1:]:
        key, _, value = option.partition(":")
        key, value = key.strip(), value.strip()
        if key == "mask":
            re.compile(value)
            masks.append(value)
        elif key == "exit":
            exit_code = int(value)
        else:
            raise SystemExit(f"{where}: unknown example option '{key}' (known: mask, exit)")
    return command, masks, exit_code


def find_examples(path, lines):
    examples = []
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        where = f"{path}:{i + 1}"
        command, masks, exit_code = parse_marker(m.group(1), where)
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        if not fence:
            raise SystemExit(f"{where}: an example marker must be followed by a fenced block")
        k = j + 1
        while k < len(lines) and not lines[k].startswith(fence.group(1)):
            k += 1
        if k == len(lines):
            raise SystemExit(f"{where}: the example's fenced block is not closed")
        examples.append(Example(path, i + 1, command, masks, exit_code, j + 1, k, lines[j + 1 : k]))
        i = k + 1
    return examples


def scratch_root(root, shared):
    """A directory whose repo/ mirrors the repository root through symlinks, with shared/ beside it."""
    top = tempfile.mkdtemp(prefix="luthier-docs-")
    repo = os.path.join(top, "repo")
    os.mkdir(repo)
    for entry in os.listdir(root):
        if entry not in (".git", "build"):
            os.symlink(os.path.join(root, entry), os.path.join(repo, entry))
    if os.path.isdir(shared):
        os.symlink(shared, os.path.join(top, "shared"))
    return top, repo


def run(example, top, cwd, env, timeout):
    try:
        done = subprocess.run(["bash", "-o", "pipefail", "-c", example.command], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    output = done.stdout.rstrip("\n").split("\n") if done.stdout.strip("\n") else []
    if done.returncode != example.exit_code:
        return output, f"exit status {done.returncode}, expected {example.exit_code}\n{done.stderr.strip()}"
    scratch = [(os.path.join(top, "repo"), "/path/to/luthier"), (os.path.join(top, "shared"), "/path/to/shared")]
    for path, shown in scratch:
        output = [line.replace(path, shown) for line in output]
    return [line.rstrip() for line in output], None


def shown(path):
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def masked(line, masks):
    for mask in masks:
        line = re.sub(mask, "<masked>", line)
    return line.rstrip()


def matches(expected, actual, masks):
    pattern = "".join(r"(?:[^\n]*\n)*?" if line.strip() == ELLIPSIS else re.escape(masked(line, masks)) + r"\n"
                      for line in expected)
    text = "".join(masked(line, masks) + "\n" for line in actual)
    return re.fullmatch(pattern, text) is not None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare the quoted outputs (default)")
    mode.add_argument("--update", action="store_true", help="rewrite the quoted outputs from the real ones")
    parser.add_argument("--cli", help="luthier-cli to run (default: ROOT/build/bin/luthier-cli)")
    parser.add_argument("--root", help="repository root the commands run from (default: this script's ..)")
    parser.add_argument("--shared", help="shared models and data (default: ROOT/../shared)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per command (default 300)")
    parser.add_argument("docs", nargs="*", help="Markdown files or folders (default: README.md and docs/)")
    args = parser.parse_args()

    root = os.path.abspath(args.root or os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    cli = os.path.abspath(args.cli or os.path.join(root, "build", "bin", "luthier-cli"))
    shared = os.path.abspath(args.shared or os.path.join(root, "..", "shared"))
    if not os.access(cli, os.X_OK):
        raise SystemExit(f"docs-examples: no luthier-cli at {cli} (build it or pass --cli)")
    bindir = os.path.join(tempfile.mkdtemp(prefix="luthier-docs-bin-"), "bin")
    os.mkdir(bindir)
    os.symlink(cli, os.path.join(bindir, "luthier-cli"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8", COLUMNS="200")

    paths = []
    for doc in args.docs or [os.path.join(root, "README.md"), os.path.join(root, "docs")]:
        if os.path.isdir(doc):
            paths += sorted(os.path.join(doc, name) for name in os.listdir(doc) if name.endswith(".md"))
        else:
            paths.append(doc)

    failures = total = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        examples = find_examples(path, lines)
        if not examples:
            continue
        top, repo = scratch_root(root, shared)
        replaced = {}
        try:
            for example in examples:
                total += 1
                where = f"{shown(path)}:{example.marker_line}"
                actual, error = run(example, top, repo, env, args.timeout)
                if error:
                    print(f"{where}: `{example.command}` failed: {error}")
                    failures += 1
                    continue
                if example.expected and example.expected[0].startswith("$ "):
                    actual = ["$ " + example.command] + actual
                if matches(example.expected, actual, example.masks):
                    continue
                has_ellipsis = any(line.strip() == ELLIPSIS for line in example.expected)
                if args.update and not has_ellipsis:
                    replaced[example.start] = (example.end, actual)
                    print(f"{where}: updated `{example.command}`")
                    continue
                failures += 1
                note = " (has '...': not updated, edit it by hand)" if args.update else ""
                print(f"{where}: `{example.command}` differs from the quoted output{note}")
                sys.stdout.writelines(difflib.unified_diff(
                    [line + "\n" for line in example.expected], [line + "\n" for line in actual],
                    f"{shown(path)}:{example.start + 1} (quoted)", "actual output"))
        finally:
            shutil.rmtree(top, ignore_errors=True)
        if replaced:
            out, i = [], 0
            while i < len(lines):
                if i in replaced:  # popped: an empty block starts at its closing fence (end == start)
                    end, actual = replaced.pop(i)
                    out += actual
                    i = end
                else:
                    out.append(lines[i])
                    i += 1
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(out))
    shutil.rmtree(os.path.dirname(bindir), ignore_errors=True)
    print(f"docs-examples: {total} examples in {len(paths)} files, {failures} "
          + ("differ or failed" if failures else "all match"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
