#!/usr/bin/env bash
# Dedup benchmark (docs/benchmarks/dedup.md): our engine and the Splink anchor on the same
# generated files in one run, wall time and peak RSS from /usr/bin/time -v, quality from the
# benchmark's score.py, side by side with ratios; then the incremental case (10 000 new records
# against an index of the rest).
#
#   scripts/bench-dedup.sh [N ...]            default: 100000 1000000 2000000
#
# Environment: BENCH_DIR (generated CSVs, outside the repo; default /work/bench-data),
# BENCH_TOOLS (gen_places.py, score.py, splink_places.py; default /work/shared/bench),
# SPLINK_PY (a Python with splink==5.0.0 and duckdb==2.0.0; default /work/venv-splink/bin/python),
# SKIP_SPLINK=1 to run ours only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${BENCH_DIR:-/work/bench-data}
tools=${BENCH_TOOLS:-/work/shared/bench}
splink_py=${SPLINK_PY:-/work/venv-splink/bin/python}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 2000000)
mkdir -p "$data"
echo "== machine: $(nproc) CPUs; $(lscpu | grep 'Model name' | sed 's/ \+/ /g'); $(date -u +%FT%TZ)"
(cd "$root" && cargo build --release -q -p toponym-cli)
bin="$root/target/release/toponym"

# time_run LOG CMD...: runs CMD under /usr/bin/time -v, prints "wall_s rss_mb".
time_run() {
  local log=$1; shift
  /usr/bin/time -v "$@" >"$log" 2>&1
  python3 - "$log" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
w = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
h, m, s = (float(x) if x else 0.0 for x in w.groups())
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(f"{h*3600+m*60+s:.2f} {rss/1024:.0f}")
PY
}

label() { case $1 in 100000) echo 100k;; 1000000) echo 1m;; 2000000) echo 2m;; *) echo "$1";; esac; }

for n in "${sizes[@]}"; do
  l=$(label "$n"); csv="$data/places_$l.csv"
  [ -s "$csv" ] || python3 "$tools/gen_places.py" "$n" "$csv" 1
  read -r our_wall our_rss < <(time_run "$data/ours_$l.log" "$bin" dedup "$csv" --out "$data/ours_$l.csv" --quiet --replace)
  python3 "$tools/score.py" "$csv" "$data/ours_$l.csv" --json "$data/ours_$l.json" >"$data/ours_$l.score"
  if [ "${SKIP_SPLINK:-0}" != 1 ]; then
    read -r sp_wall sp_rss < <(time_run "$data/splink_$l.log" "$splink_py" "$tools/splink_places.py" "$csv" "$data/splink_$l" --threads 2)
    python3 "$tools/score.py" "$csv" "$data/splink_$l/clusters_0.9.csv" --json "$data/splink_$l.json" >"$data/splink_$l.score"
  else
    sp_wall=nan; sp_rss=nan; echo '{}' >"$data/splink_$l.json"
  fi
  python3 - "$l" "$our_wall" "$our_rss" "$sp_wall" "$sp_rss" "$data/ours_$l.json" "$data/splink_$l.json" <<'PY'
import json, math, sys
l, ow, orss, sw, srss, oj, sj = sys.argv[1:]
o, s = json.load(open(oj)), json.load(open(sj))
def ratio(a, b):
    try:
        return f"{float(a)/float(b):.2f}" if float(b) else "-"
    except (ValueError, ZeroDivisionError):
        return "-"
def f(x, d=4):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{d}f}"
print(f"\n== {l}: ours vs Splink (threshold 0.9)")
print(f"{'figure':44s} {'ours':>10s} {'splink':>10s} {'ours/splink':>12s}")
rows = [("wall time (s)", float(ow), float(sw)), ("peak RSS (MB)", float(orss), float(srss))]
for k in ("precision", "recall", "f1"):
    rows.append((f"pairwise {k}", o.get(k), s.get(k)))
for k in sorted(o.get("mechanism_recall", {}), key=lambda k: -o["mechanism_recall"][k][1]):
    h, t = o["mechanism_recall"][k]
    sh = s.get("mechanism_recall", {}).get(k)
    rows.append((f"recall {k}", h / t, sh[0] / sh[1] if sh else None))
for k in sorted(o.get("neg_merged", {})):
    h, t = o["neg_merged"][k]
    sh = s.get("neg_merged", {}).get(k)
    rows.append((f"merged {k}", h / t if t else 0.0, sh[0] / sh[1] if sh and sh[1] else None))
for name, a, b in rows:
    print(f"{name:44s} {f(a, 2 if 'wall' in name or 'RSS' in name else 4):>10s} {f(b, 2 if 'wall' in name or 'RSS' in name else 4):>10s} {ratio(a, b) if a is not None and b is not None else '-':>12s}")
PY
  grep -h "^stages\|clusters in" "$data/ours_$l.log" | sed 's/^/  ours: /'
done

big=$(label "${sizes[-1]}")
for n in "${sizes[@]}"; do [ "$n" = 1000000 ] && big=1m; done
echo -e "\n== incremental (10 000 new records against the rest of places_$big.csv)"
(cd "$root" && TOPONYM_DEDUP_BENCH_CSV="$data/places_$big.csv" cargo bench -q -p toponym-dedup --bench incremental 2>/dev/null | grep incremental)
