#!/bin/bash
# Joins the one-row summaries of a SINDy sweep (jobs/sindy_sweep.sbatch: DIR/seed-*/summary.csv)
# into DIR/summary.csv and prints how many runs recovered the expected law.
#   bash jobs/sindy_gather.sh runs/sindy-<jobid>
set -euo pipefail
dir=${1:?usage: sindy_gather.sh SWEEP_DIR}
files=("$dir"/seed-*/summary.csv)
[ -e "${files[0]}" ] || { echo "sindy_gather.sh: no $dir/seed-*/summary.csv; has the sweep run?" >&2; exit 1; }
{ head -n 1 "${files[0]}"; for f in "${files[@]}"; do tail -n +2 "$f"; done; } > "$dir/summary.csv.tmp"
mv "$dir/summary.csv.tmp" "$dir/summary.csv"
/usr/bin/env python3 - "$dir/summary.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
judged = [r for r in rows if r['recovered'] in ('yes', 'no')]
for r in sorted(rows, key=lambda r: int(r['seed'])):
    print('seed %4s  %-3s  %s' % (r['seed'], r['recovered'], r['equation']))
print('recovered: %d of %d runs' % (sum(r['recovered'] == 'yes' for r in judged), len(judged)))
print('wrote', sys.argv[1])
PY
