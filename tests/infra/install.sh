#!/usr/bin/env bash
# An installed phynn is usable: `cmake --install` into a fresh prefix gives the command, the
# shared library, the headers and a pkg-config file, and a small C program built with
# `pkg-config --cflags --libs phynn` compiles, links and runs.
#
#   install.sh BUILD_DIR SOURCE_DIR      (CTest passes both)
set -euo pipefail

build=${1:?usage: install.sh BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: install.sh BUILD_DIR SOURCE_DIR}
[[ -f $build/CMakeCache.txt ]] || { echo "FAIL $build is not a configured build directory" >&2; exit 2; }
failures=0
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }

prefix=$(mktemp -d "${TMPDIR:-/tmp}/phynn-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT

if ! cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1; then
  echo "FAIL cmake --install $build --prefix $prefix:" >&2
  sed 's/^/    /' "$prefix.log" >&2
  rm -f "$prefix.log"
  exit 1
fi
rm -f "$prefix.log"
ok "cmake --install into $prefix"

# The library directory as configured ("lib" for the default /usr/local prefix; Debian's
# multiarch "lib/x86_64-linux-gnu" when configured for /usr).
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
libdir=${libdir:-lib}
for f in bin/phynn "$libdir/libphynn.so" include/phynn/sys.h include/phynn/version.h "$libdir/pkgconfig/phynn.pc" share/phynn/iris.csv; do
  if [[ -e $prefix/$f ]]; then ok "installed $f"; else fail "missing $prefix/$f after install"; fi
done
# The installed headers are the source's (not a stale copy from an earlier build).
if [[ -e $prefix/include/phynn/sys.h ]] && ! cmp -s "$source_dir/base/phynn/sys.h" "$prefix/include/phynn/sys.h"; then
  fail "installed include/phynn/sys.h differs from $source_dir/base/phynn/sys.h"
fi
if ((failures)); then
  echo "installed files:" >&2
  (cd "$prefix" && find . -type f -o -type l | sort | sed 's/^/    /') >&2
  exit 1
fi

# The installed command runs. Without an install RPATH the loader finds libphynn.so only through
# LD_LIBRARY_PATH (or ldconfig for system prefixes): say so, but test the files, not the policy.
if ! "$prefix/bin/phynn" version >/dev/null 2>&1; then
  echo "note: $prefix/bin/phynn needs LD_LIBRARY_PATH=$prefix/$libdir to start (no install RPATH)"
fi
if out=$(LD_LIBRARY_PATH="$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$prefix/bin/phynn" version 2>&1); then
  ok "installed phynn runs: $out"
else
  fail "installed $prefix/bin/phynn version failed: $out"
fi

# The pkg-config file must describe the prefix the files were installed to, since that is
# what a downstream build sees.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
if ! flags=$(pkg-config --cflags --libs phynn 2>&1); then
  fail "pkg-config --cflags --libs phynn: $flags"
  exit 1
fi
pc_includedir=$(realpath -m "$(pkg-config --variable=includedir phynn)")
pc_libdir=$(realpath -m "$(pkg-config --variable=libdir phynn)")
if [[ $pc_includedir != "$(realpath "$prefix/include")" || $pc_libdir != "$(realpath "$prefix/$libdir")" ]]; then
  fail "phynn.pc points at $pc_includedir and $pc_libdir, not at the install prefix $prefix; cmake --install --prefix P must give a .pc for P: make cmake/phynn.pc.in's prefix relative to the .pc file (prefix=\${pcfiledir}/../.. when libdir is lib)"
  exit 1
fi
ok "pkg-config --cflags --libs phynn points at the prefix"

# A downstream program: one header, one call, linked with exactly what pkg-config says.
work=$prefix/downstream
mkdir -p "$work"
cat >"$work/split.c" <<'C'
#include <stdio.h>

#include <phynn/sys.h>

int main(void)
{
  long start, count;
  PhynnSplitRange(10, 1, 3, &start, &count); /* 10 items over 3 ranks: 4 + 3 + 3 */
  printf("rank 1 of 3 gets [%ld, %ld)\n", start, start + count);
  return start == 4 && count == 3 ? 0 : 1;
}
C
# A sanitizer build's library needs the sanitizer runtime in the program too.
extra=()
if grep -q '^PHYNN_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then extra=("-fsanitize=address,undefined"); fi
# shellcheck disable=SC2086 # $flags is a list of compiler words
if ! log=$(mpicc -std=c17 -Wall -Wextra -Werror "${extra[@]}" "$work/split.c" -o "$work/split" $flags 2>&1); then
  fail "compiling a program against the installed phynn: mpicc ... $flags:"
  printf '%s\n' "$log" >&2
  exit 1
fi
ok "a C program compiles and links with mpicc and pkg-config --cflags --libs phynn"
if out=$(LD_LIBRARY_PATH="$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work/split" 2>&1); then
  ok "it runs: $out"
else
  fail "the downstream program failed: $out"
fi

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
