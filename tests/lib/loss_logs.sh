# compare_loss_logs A B: the loss logs $dir/A.loss and $dir/B.loss (iteration, then the loss and
# every term, from `cut -d, -f1,3-` of a -loss_log CSV: the elapsed seconds left out) must agree
# row by row to 1e-10 relative, over exactly 20 steps: the rank-count agreement of the training
# commands (tests/*/ranks.sh). Prints ok/FAIL with the largest difference; sets fail=1 on failure.
# Source it after setting $dir and fail=0.
compare_loss_logs() {
  paste -d, "$dir/$1.loss" "$dir/$2.loss" | awk -F, -v name="$1 vs $2" '
    NR == 1 { n = NF / 2; next }
    { rows++; for (k = 2; k <= n; k++) { a = $k; b = $(k + n); d = a - b; if (d < 0) d = -d; s = a < 0 ? -a : a;
        r = s > 0 ? d / s : d; if (r > max) { max = r; at = $1 } } }
    END { ok = rows == 20 && max <= 1e-10
          printf "%s   %s: max relative difference of the loss and its terms %.3g (iteration %s) over %d steps, tolerance 1e-10\n", (ok ? "ok" : "FAIL:"), name, max, at, rows; exit !ok }' || fail=1
}
