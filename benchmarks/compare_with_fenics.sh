#!/usr/bin/env bash
# Same-session comparison with the FEniCS peer: rounds of the FEniCS script
# (1 rank) immediately followed by benchmark_stationary_ou (2 ranks) at the
# same sizes, and the ratio of the totals per size and round. Both programs
# check their answer; a failed check stops the comparison.
# Usage: bash benchmarks/compare_with_fenics.sh [rounds] [cells per direction...]
#        (defaults: 2 rounds, 512 1024; the linear solver is 'two-level';
#         BUILD=<build dir> if it is not build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
rounds=${1:-2}
shift || true
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(512 1024)
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare_with_fenics: rounds must be a positive integer, got '$rounds'" >&2; exit 2; }
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "compare_with_fenics: sizes are cells per direction (positive integers), got '$n'" >&2; exit 2; }
done
/usr/bin/python3 -c "import dolfin" 2>/dev/null || {
  echo "compare_with_fenics: the peer needs python3-dolfin; install it with 'bash scripts/install-dependencies --with-peers'" >&2; exit 2; }
[[ -x "$build/benchmarks/benchmark_stationary_ou" ]] || {
  echo "compare_with_fenics: $build/benchmarks/benchmark_stationary_ou is missing; build with 'bash scripts/build'" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

comma=$(IFS=,; echo "${sizes[*]}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-6s %10s %12s %12s %7s\n' round unknowns "FEniCS (s)" "ours (s)" ratio
for ((r = 1; r <= rounds; ++r)); do
  /usr/bin/python3 "$root/benchmarks/peer_fenics_stationary_ou.py" --sizes "${sizes[@]}" > "$work/peer.txt" \
    || { cat "$work/peer.txt"; echo "compare_with_fenics: the FEniCS script failed" >&2; exit 1; }
  # Rows of the peer: unknowns | mesh dofs assem solve total | ...
  awk '$2 == "|" && $1 ~ /^[0-9]+$/ { print $1, $7 }' "$work/peer.txt" > "$work/peer.rows"
  peer_1m=$(awk '{ d = $1 / 1050625; if (d < 1) d = 1 / d; if (best == "" || d < bd) { best = $2; bd = d } } END { if (bd < 1.35) print best }' "$work/peer.rows")
  mpirun -np 2 "$build/benchmarks/benchmark_stationary_ou" --sizes "$comma" --repeat 1 \
    -s 'Linear solver/Type=two-level' ${peer_1m:+--peer-seconds "$peer_1m"} > "$work/ours.txt" \
    || { cat "$work/ours.txt"; echo "compare_with_fenics: benchmark_stationary_ou failed" >&2; exit 1; }
  # Rows of ours: unknowns cells coarse ref | mesh dofs assem precd solve total | ...
  awk '$5 == "|" && $1 ~ /^[0-9]+$/ { print $1, $11 }' "$work/ours.txt" > "$work/ours.rows"
  join <(sort "$work/peer.rows") <(sort "$work/ours.rows") | sort -n | while read -r n peer ours; do
    printf '%-6s %10s %12s %12s %7.1f\n' "$r" "$n" "$peer" "$ours" "$(awk -v a="$peer" -v b="$ours" 'BEGIN { print a / b }')"
  done
  sed -n '/^Goals/,$p' "$work/ours.txt" | sed 's/^/  /'
done
