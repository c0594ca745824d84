# expect_error DESCRIPTION OUTPUT COMMAND...: runs "$phynn" COMMAND... in the current directory and
# checks the bad-input contract: a non-zero exit, ONE line on stderr starting "phynn: error: ",
# OUTPUT not created, and no other file left behind (not even a temporary one). Prints ok/FAIL and
# sets fail=1 on failure. Source it after setting $phynn and fail=0 (tests/*/bad_input.sh).
touch stdout.txt stderr.txt before.lst after.lst
expect_error() {
  local what=$1 out=$2; shift 2
  ls -A > before.lst
  "$phynn" "$@" > stdout.txt 2> stderr.txt
  local rc=$? lines
  lines=$(wc -l < stderr.txt)
  ls -A > after.lst
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -q '^phynn: error: ' stderr.txt && [ ! -e "$out" ] && cmp -s before.lst after.lst; then
    echo "ok   $what: $(cat stderr.txt)"
  else
    echo "FAIL: $what: rc=$rc, $lines stderr line(s), output $( [ -e "$out" ] && echo present || echo absent ):"; cat stderr.txt
    diff before.lst after.lst; fail=1
  fi
  rm -f "$out"
}
