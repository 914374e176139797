"""The command line both structure checks share."""
import pathlib
import sys


def report_self_test(expected, observed, labels) -> int:
    """Print whether a self-test saw the exit codes it expects; 0 if it did."""
    ok = tuple(observed) == tuple(expected)
    details = ", ".join(f"{label} {code}" for label, code in zip(labels, observed))
    print("self-test:", "passed" if ok else "FAILED", f"({details})")
    return 0 if ok else 1


def report(problems, summary) -> int:
    """Print every problem, then the summary line; 1 if there was a problem."""
    for problem in problems:
        print(problem)
    print(summary)
    return 1 if problems else 0


def run(check, self_test) -> int:
    """check(<repository root>) or, with --self-test, self_test()."""
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} <repository root> | --self-test")
        return 2
    if sys.argv[1] == "--self-test":
        return self_test()
    return check(pathlib.Path(sys.argv[1]).resolve())
