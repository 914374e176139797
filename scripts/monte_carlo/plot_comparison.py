#!/usr/bin/env python3
"""Picture of a Monte Carlo comparison (doc/monte_carlo.md).

Usage: /usr/bin/python3 scripts/monte_carlo/plot_comparison.py <results dir> <out.png> [index]

Reads summary.json and monte_carlo_cells_<index>.csv (default: the last one)
written by 'fokker-planck --monte-carlo' and draws the finite-element cell
densities, the Monte Carlo histogram and their difference (2D), or both
densities over x (1D), with the comparison numbers in the title.
"""
import csv
import glob
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    directory, output = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(directory, "monte_carlo_cells_*.csv")))
    if not files:
        sys.exit("no monte_carlo_cells_*.csv in " + directory)
    index = int(sys.argv[3]) if len(sys.argv) > 3 else len(files) - 1
    with open(os.path.join(directory, "summary.json")) as f:
        summary = json.load(f)
    row = summary["monte_carlo"]["comparisons"][index]
    with open(files[index]) as f:
        rows = list(csv.DictReader(f))
    fe = np.array([float(r["fe_probability"]) for r in rows])
    mc = np.array([float(r["mc_probability"]) for r in rows])
    fe = np.clip(fe, 0, None) / max(np.clip(fe, 0, None).sum(), 1e-300)
    title = "t = %.3g: TV = %.4f (99%% band %.4f), chi2 p = %.3g" % (
        row["time"], row["total_variation"], row["tv_band_99"], row["chi_square_p"])
    extra = []
    for name in ("entropy_production", "area_rate_xy", "survival"):
        if "mc_" + name in row:
            extra.append("%s: MC %.5f ± %.5f, FE %.5f" % (
                name, row["mc_" + name], row["mc_" + name + "_error"], row["fe_" + name]))
    if "x" in rows[0] and "y" in rows[0]:
        x = np.array([float(r["x"]) for r in rows])
        y = np.array([float(r["y"]) for r in rows])
        nx, ny = len(np.unique(x)), len(np.unique(y))
        area = (x.max() - x.min()) / (nx - 1) * (y.max() - y.min()) / (ny - 1)
        extent = [x.min(), x.max(), y.min(), y.max()]
        fields = [fe / area, mc / area, (mc - fe) / area]
        names = ["finite elements (cell average)", "Monte Carlo histogram", "MC - FE"]
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
        vmax = fields[0].max()
        # Zoom to where the density is not negligible.
        mask = fe > 1e-4 * fe.max()
        zoom = [x[mask].min() - 1, x[mask].max() + 1, y[mask].min() - 1, y[mask].max() + 1]
        for ax, field, name in zip(axes, fields, names):
            image = field.reshape(ny, nx)
            if name == "MC - FE":
                lim = np.abs(image).max()
                im = ax.imshow(image, origin="lower", extent=extent, cmap="RdBu_r",
                               vmin=-lim, vmax=lim)
            else:
                im = ax.imshow(image, origin="lower", extent=extent, cmap="viridis",
                               vmin=0, vmax=vmax)
            ax.set_title(name)
            ax.set_xlim(max(zoom[0], extent[0]), min(zoom[1], extent[1]))
            ax.set_ylim(max(zoom[2], extent[2]), min(zoom[3], extent[3]))
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            fig.colorbar(im, ax=ax, shrink=0.85)
    else:
        x = np.array([float(r["x"]) for r in rows])
        width = (x.max() - x.min()) / (len(x) - 1)
        fig, ax = plt.subplots(figsize=(8, 4.8))
        ax.step(x, mc / width, where="mid", label="Monte Carlo histogram")
        ax.plot(x, fe / width, "k.", label="finite elements (cell average)")
        ax.set_xlabel("x")
        ax.set_ylabel("density (normalised)")
        ax.legend()
    fig.suptitle(title + ("\n" + "; ".join(extra) if extra else ""))
    fig.tight_layout()
    fig.savefig(output, dpi=110)


if __name__ == "__main__":
    main()
