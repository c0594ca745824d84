#!/bin/sh
# `phynn bench` rejects bad options with a one-line error that says what to do.
set -u
exe=$1
fail=0
expect_error() { # expect_error PATTERN ARGS...
  pattern=$1
  shift
  msg=$("$exe" bench "$@" 2>&1 >/dev/null)
  rc=$?
  if [ $rc -eq 0 ]; then echo "FAIL: 'phynn bench $*' succeeded"; fail=1; return; fi
  lines=$(printf '%s\n' "$msg" | wc -l)
  case "$msg" in
    "phynn: error: "*) ;;
    *) echo "FAIL: 'phynn bench $*': stderr does not start with 'phynn: error: ': $msg"; fail=1; return ;;
  esac
  if [ "$lines" -ne 1 ]; then echo "FAIL: 'phynn bench $*': $lines stderr lines, want 1:"; printf '%s\n' "$msg"; fail=1; return; fi
  case "$msg" in
    *"$pattern"*) echo "ok: $*: $msg" ;;
    *) echo "FAIL: 'phynn bench $*': expected '$pattern' in: $msg"; fail=1 ;;
  esac
}
expect_error "lacks t and xx" -bench_derivs x -bench_points 8
expect_error "2 inputs" -bench_layers 3,8,2 -bench_points 8
expect_error "2 outputs" -bench_layers 2,8,1 -bench_points 8
expect_error "second derivative" -bench_activation relu -bench_points 8
expect_error "bench_steps" -bench_steps 0 -bench_points 8
expect_error "bench_points" -bench_points 0
expect_error "bench_points" -bench_pionts 8
exit $fail
