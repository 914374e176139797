#!/usr/bin/python3
"""Plot the saddle-to-saddle learning curves of a deep-linear transient run.

Usage:
    /usr/bin/python3 scripts/plot-saddle-to-saddle.py <out.png> <fe_dir> [<sgd_dir> <label>]...

<fe_dir> holds statistics.txt of a transient 'deep-linear' run (columns
learned_x, learned_y, ... and gf_x, gf_y, ... of the gradient-flow
reference); each <sgd_dir> holds sgd_statistics.txt of 'fokker-planck --sgd'
on the same parameter file. Draws, per mode, the mass that has learned the
mode (u_a > s_a/2) against time: Fokker-Planck (solid), gradient flow
(dotted step), and each SGD ensemble (markers).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_table(path):
    names, rows = [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                names.append(line.split()[2])
            elif line.strip():
                rows.append([float(v) for v in line.split()])
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}


def main():
    out, fe_dir = sys.argv[1], sys.argv[2]
    fe = read_table(fe_dir + "/statistics.txt")
    with open(fe_dir + "/summary.json") as f:
        summary = json.load(f)
    axes = [a for a in "xyz" if "learned_" + a in fe]
    colours = ["tab:blue", "tab:orange", "tab:green"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for k, a in enumerate(axes):
        ax.plot(fe["time"], fe["learned_" + a], color=colours[k], lw=2,
                label="mode %d: Fokker-Planck (SGD noise)" % (k + 1))
        gf = fe["gf_" + a]
        target = summary["transient"]["modes"][k]["target"]
        ax.plot(fe["time"], [1.0 if v > 0.5 * target else 0.0 for v in gf],
                color=colours[k], ls=":", lw=1.5, label="mode %d: gradient flow" % (k + 1))
    markers = ["o", "s", "^"]
    for j in range(3, len(sys.argv), 2):
        sgd = read_table(sys.argv[j] + "/sgd_statistics.txt")
        for k, a in enumerate(axes):
            ax.plot(sgd["time"], sgd["learned_" + a], ls="none", marker=markers[(j - 3) // 2],
                    ms=4, color=colours[k], label="mode %d: SGD, %s" % (k + 1, sys.argv[j + 1]))
    ax.set_xlabel("time t = step * eta")
    ax.set_ylabel("fraction with u_a > s_a / 2")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


if __name__ == "__main__":
    main()
