#!/usr/bin/env python3
"""Files and functions stay small enough to read in one sitting.

- No C++ file under include/, src/, tests/ or benchmarks/ has more than
  600 lines.
- No function has more than 120 lines, unless the comment right above it
  (within the 12 lines before its first line) says "Long by design:" and
  why: a table, a switch over names, a set of declarations.
Functions are found by universal-ctags (Debian package universal-ctags).
Usage: check_sizes.py <repository root>
       check_sizes.py --self-test   (shows that a long file and function fail)
"""
import pathlib
import shutil
import subprocess
import sys

from command_line import report, report_self_test, run

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 120
MARK = "Long by design:"


def self_test() -> int:
    """A 601-line file and a 121-line function must be refused."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        (root / "src").mkdir()
        def function(n):
            body = "\n".join(f"  int x{k} = {k};" for k in range(n))
            return "int\nf()\n{\n" + body + "\n  return 0;\n}\n"
        (root / "src/short.cc").write_text(function(110))
        clean = check(root)
        (root / "src/short.cc").write_text(function(125))
        long_function = check(root)
        (root / "src/short.cc").write_text("// Long by design: a test table.\n" +
                                           function(125))
        marked = check(root)
        (root / "src/long.cc").write_text("\n" * 601)
        long_file = check(root)
    return report_self_test((0, 1, 0, 1), (clean, long_function, marked, long_file),
                            ("clean", "long function", "marked", "long file"))


def check(root: pathlib.Path) -> int:
    files = [p for folder in ("include", "src", "tests", "benchmarks")
             for p in sorted((root / folder).rglob("*")) if p.suffix in (".cc", ".h")]
    problems = []
    for path in files:
        n = len(path.read_text().splitlines())
        if n > MAX_FILE_LINES:
            problems.append(f"{path.relative_to(root)}: {n} lines (at most {MAX_FILE_LINES})")
    ctags = shutil.which("ctags")
    if ctags is None:
        print("universal-ctags is missing (scripts/install-dependencies installs it)")
        return 1
    output = subprocess.run([ctags, "--c++-kinds=f", "--fields=+ne", "-o", "-"] +
                            [str(p) for p in files],
                            check=True, capture_output=True, text=True).stdout
    n_functions = 0
    for row in output.splitlines():
        fields = row.split("\t")
        if fields[0].startswith("__anon"):
            continue  # lambdas are part of the function around them
        extra = dict(f.split(":", 1) for f in fields[3:] if ":" in f)
        if "line" not in extra or "end" not in extra:
            continue
        n_functions += 1
        first, last = int(extra["line"]), int(extra["end"])
        if last - first + 1 <= MAX_FUNCTION_LINES:
            continue
        path = pathlib.Path(fields[1])
        before = path.read_text().splitlines()[max(0, first - 13):first - 1]
        if any(MARK in line for line in before):
            continue
        problems.append(f"{path.relative_to(root)}:{first}: {fields[0]} has "
                        f"{last - first + 1} lines (at most {MAX_FUNCTION_LINES}, or a "
                        f"'{MARK}' comment above it)")
    return report(problems, f"{len(files)} files and {n_functions} functions checked, "
                            f"{len(problems)} too long")


if __name__ == "__main__":
    sys.exit(run(check, self_test))
