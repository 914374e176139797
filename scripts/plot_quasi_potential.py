#!/usr/bin/python3
"""Plot the quasi-potential S_Q of a 2D run beside S = -T log(pi) and S - S_Q.

Usage:
    xvfb-run -a pvbatch scripts/paraview/export_points.py <run_dir> <run_dir>/points.csv
    /usr/bin/python3 scripts/plot_quasi_potential.py <run_dir> <out.png>

Reads <run_dir>/points.csv (written by export_points.py) and the temperature
from <run_dir>/summary.json. Vertices where quasi_potential_reached = 0 are
shaded grey; the attractor is marked with a white cross. Needs numpy and
matplotlib (the system python3).
"""

import csv
import json
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    run_dir, output = sys.argv[1], sys.argv[2]
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    temperature = summary["temperature"]
    attractor = summary["quasi_potential"]["attractor"]
    rows = {}
    with open(os.path.join(run_dir, "points.csv")) as f:
        for row in csv.DictReader(f):
            key = (round(float(row["Points:0"]), 9), round(float(row["Points:1"]), 9))
            rows[key] = row  # points shared by cells appear once
    x = np.array([k[0] for k in rows])
    y = np.array([k[1] for k in rows])
    sq = np.array([float(r["quasi_potential"]) for r in rows.values()])
    reached = np.array([float(r["quasi_potential_reached"]) for r in rows.values()])
    density = np.array([float(r["density"]) for r in rows.values()])
    s = -temperature * np.log(np.maximum(density, 1e-300))
    s -= s.min()

    levels = np.linspace(0.0, min(sq.max(), 2.0), 21)
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2), constrained_layout=True)
    panels = [(sq, "quasi-potential $S_Q$ (T = 0)"),
              (s, "effective potential $S = -T\\log\\pi$, T = %g" % temperature)]
    for ax, (field, title) in zip(axes[:2], panels):
        filled = ax.tricontourf(x, y, field, levels=levels, cmap="viridis",
                                extend="max")
        ax.tricontour(x, y, field, levels=levels[::2], colors="k", linewidths=0.5)
        ax.set_title(title)
    fig.colorbar(filled, ax=axes[:2], shrink=0.9, label="potential (units of the loss)")
    difference = s - sq
    bound = np.max(np.abs(difference[(sq <= 1.0) & (reached == 1)]))
    d = axes[2].tricontourf(x, y, np.clip(difference, -bound, bound),
                            levels=np.linspace(-bound, bound, 21), cmap="RdBu_r",
                            extend="both")
    axes[2].tricontour(x, y, sq, levels=[1.0], colors="k", linewidths=1.0)
    axes[2].set_title("$S - S_Q$ (black: $S_Q = 1$)")
    fig.colorbar(d, ax=axes[2], shrink=0.9)
    for ax in axes:
        if np.any(reached < 1):
            ax.tricontourf(x, y, reached, levels=[-0.5, 0.5], colors=["0.6"])
        ax.plot(attractor[0], attractor[1], "wx", markersize=10, mew=2)
        ax.set_aspect("equal")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    fig.savefig(output, dpi=90)
    print("wrote", output)


if __name__ == "__main__":
    main()
