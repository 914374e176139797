#!/usr/bin/python3
"""Draw doc/images/architecture.png: the data flow of one run (doc/architecture.md).
Usage: /usr/bin/python3 scripts/plot-architecture.py [output.png]"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

output = sys.argv[1] if len(sys.argv) > 1 else "doc/images/architecture.png"
fig, ax = plt.subplots(figsize=(11, 7.2))
ax.set_xlim(0, 11)
ax.set_ylim(0, 7.2)
ax.axis("off")

COLOURS = {"input": "#d9e8f5", "problem": "#fde9c9", "solve": "#e3f1dc",
           "stage": "#efe2f3", "output": "#f2f2f2"}


def box(x, y, w, h, title, lines, kind):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.04,rounding_size=0.12",
                                facecolor=COLOURS[kind], edgecolor="#555555", linewidth=1))
    ax.text(x + w / 2, y + h - 0.22, title, ha="center", va="top", fontsize=10.5,
            fontweight="bold")
    ax.text(x + w / 2, y + h - 0.55, "\n".join(lines), ha="center", va="top", fontsize=8.5,
            linespacing=1.35)
    return (x, y, w, h)


def arrow(a, b, text="", side="right"):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=14, linewidth=1.2,
                                 color="#333333"))
    if text:
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        ax.text(mx + (0.1 if side == "right" else -0.1), my, text, fontsize=8,
                ha="left" if side == "right" else "right", va="center", style="italic")


box(0.3, 6.0, 3.0, 1.0, "case.prm", ["one parameter file, -s overrides"], "input")
box(0.3, 4.3, 3.0, 1.3, "CaseParameters  (app/)",
    ["every stage's own subsection,", "bound to members, checked once"], "input")
box(4.2, 5.0, 3.3, 2.0, "Problem  (discretization/)",
    ["mesh of Ω  (geometry/)", "model u, D, L, T  (model/)", "DoFs, constraints,",
     "operator A, mass vector m", "(Discretization)"], "problem")
box(8.3, 4.6, 2.4, 2.0, "solvers/",
    ["stationary: (A + m mᵀ) π = m", "transient: (M + cA) pⁿ⁺¹ = r", "Newton for S"], "solve")
box(0.3, 1.6, 10.4, 2.0, "stages  (each a Stage: observe, add_fields, add_statistics, add_summary)",
    [], "stage")
stages = [("DensityFields", ["p, u, J, L, D,", "mass, moments"]),
          ("RelaxationAnalysis", ["spectral/: spectrum,", "transitions, mixing"]),
          ("ModeMonitor", ["sgd/: modes learned", "(transient)"]),
          ("Analysis", ["analysis/: S, S_H, J,", "ψ, e_p, Ȧ"]),
          ("QuasiPotentialStage", ["analysis/: S_Q", "(stationary)"]),
          ("MonteCarloComparison", ["monte_carlo/ + sampling/:", "ensemble vs FE"])]
for k, (name, lines) in enumerate(stages):
    x = 0.45 + k * 1.7
    ax.add_patch(FancyBboxPatch((x, 1.75), 1.55, 1.25, boxstyle="round,pad=0.02",
                                facecolor="white", edgecolor="#777777", linewidth=0.8))
    ax.text(x + 0.775, 2.85, name, ha="center", va="top", fontsize=7.6, fontweight="bold")
    ax.text(x + 0.775, 2.5, "\n".join(lines), ha="center", va="top", fontsize=7.2)
box(0.3, 0.1, 6.6, 1.05, "output/  (knows no stage)",
    ["solution.pvd + .pvtu/.vtu per step, statistics.txt, summary.json,",
     "input.prm, parameters.prm, in a staged results folder"], "output")

arrow((1.8, 6.0), (1.8, 5.6), "parse, check")
arrow((3.3, 4.95), (4.2, 5.5), "subsections")
arrow((7.5, 5.6), (8.3, 5.6))
ax.text(7.9, 5.75, "A, m", fontsize=8, ha="center", va="bottom", style="italic")
arrow((9.5, 4.6), (9.5, 3.6), "snapshots of p (or π)")
arrow((3.6, 1.6), (3.6, 1.15), "fields, columns, sections")
box(7.7, 0.1, 3.0, 1.05, "--sgd  (app/ + sgd/)",
    ["SGD on the network itself, binned", "beside the FE density of its Problem"],
    "solve")
arrow((7.7, 0.62), (6.9, 0.62))
ax.text(7.3, 0.75, "sgd_ files", fontsize=8, ha="center", va="bottom", style="italic")
fig.tight_layout()
fig.savefig(output, dpi=110)
print("wrote", output)
