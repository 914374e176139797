#!/usr/bin/env python3
"""The include graph points one way (doc/architecture.md).

Every #include <fokker_planck/<stage>/...> of a file under include/ or src/
must name its own stage or an earlier one. Stages of the same level (analysis
and spectral; monte_carlo and sgd) do not include each other. Prints every
offending include as file:line and exits 1 if there is any.
Usage: check_layers.py <repository root>
       check_layers.py --self-test   (shows that a later-stage include fails)
"""
import pathlib
import re
import sys

from command_line import report, report_self_test, run

# Data flows one way: a stage may include the stages of lower levels.
LEVELS = {
    "base": 0,
    "geometry": 1,
    "model": 1,
    "discretization": 2,
    "solvers": 3,
    "analysis": 4,
    "spectral": 4,
    "sampling": 5,
    "monte_carlo": 6,
    "sgd": 6,
    "output": 7,
    "app": 8,
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]fokker_planck/([a-z_]+)/')


def stage_of(path: pathlib.Path, root: pathlib.Path):
    parts = path.relative_to(root).parts
    if parts[0] == "src" and len(parts) == 2:
        return "main"  # src/main.cc sits above every stage
    if parts[0] == "src":
        return parts[1]
    if parts[0] == "include":
        return parts[2]
    return None


def self_test() -> int:
    """A tree with one upstream include must be refused, a clean one accepted."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        (root / "include/fokker_planck/model").mkdir(parents=True)
        (root / "include/fokker_planck/app").mkdir(parents=True)
        (root / "include/fokker_planck/app/run.h").write_text(
            "#include <fokker_planck/model/model.h>\n")
        (root / "include/fokker_planck/model/model.h").write_text("#pragma once\n")
        clean = check(root)
        (root / "include/fokker_planck/model/model.h").write_text(
            "#include <fokker_planck/app/run.h>\n")
        broken = check(root)
    return report_self_test((0, 1), (clean, broken), ("clean tree", "upstream include"))


def check(root: pathlib.Path) -> int:
    files = sorted(root.glob("include/fokker_planck/*/*.h")) + sorted(root.glob("src/**/*.cc"))
    problems, checked = [], 0
    for path in files:
        stage = stage_of(path, root)
        if stage != "main" and stage not in LEVELS:
            problems.append(f"{path.relative_to(root)}: folder '{stage}' is not a stage "
                            f"of tests/structure/check_layers.py")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            checked += 1
            target = match.group(1)
            if target not in LEVELS:
                problems.append(f"{path.relative_to(root)}:{number}: unknown stage '{target}'")
            elif stage == "main" or target == stage:
                continue
            elif LEVELS[target] > LEVELS[stage]:
                problems.append(f"{path.relative_to(root)}:{number}: {stage}/ includes the "
                                f"later stage {target}/")
            elif LEVELS[target] == LEVELS[stage]:
                problems.append(f"{path.relative_to(root)}:{number}: {stage}/ includes "
                                f"{target}/, a stage of the same level")
    return report(problems, f"{checked} includes of the project's own headers in {len(files)} "
                            f"files checked, {len(problems)} against the stage order")


if __name__ == "__main__":
    sys.exit(run(check, self_test))
