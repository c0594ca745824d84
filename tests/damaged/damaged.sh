#!/bin/bash
# Damaged inputs (issue 13, part 2): a truncated and a bit-flipped model file, checkpoint and
# reference, and a checkpoint of another architecture. Each must give ONE line "phynn: error: ...",
# a non-zero exit and no output file (tests/lib/expect_error.sh), never a crash or a result.
# The bit flips land in a weight (theta and its per-parameter copy must agree bitwise,
# docs/model-file.md), in the optimiser state and in a reference's values (every array carries
# HDF5's Fletcher-32 checksum, io/ncfile.c PhynnNcChecksum), and in the NetCDF/HDF5 signature.
# Usage: damaged.sh PHYNN
set -u
phynn=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/v1
dir=$(mktemp -d "$PWD/damaged.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fit=(train fit -data "$data/fit.csv" -layers 2,3,1 -quiet)
"$phynn" "${fit[@]}" -max_it 4 -checkpoint ckpt.nc -o model.nc > /dev/null || { echo "FAIL: setup model"; exit 1; }
"$phynn" solve heat -nx 8 -nt 4 -o ref.nc -quiet || { echo "FAIL: setup reference"; exit 1; }
cp "$data/heat_v1.nc" heat_model.nc

# truncate FILE OUT: the first half of FILE (a copy cut short: disk full, a killed transfer)
truncate_half() { head -c $(($(stat -c %s "$1") / 2)) "$1" > "$2"; }
# flip_at FILE OUT OFFSET BIT: OUT is FILE with one bit flipped
flip_at() { cp "$1" "$2" && /usr/bin/python3 -c "
import sys; p, off, bit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, 'rb').read()); b[off] ^= 1 << bit; open(p, 'wb').write(b)" "$2" "$3" "$4"; }
# weight_offset FILE: the byte offset of theta[0]'s bits in the file (theta is stored contiguously)
weight_offset() { /usr/bin/python3 -c "
import sys, struct, netCDF4
p = sys.argv[1]; t0 = float(netCDF4.Dataset(p)['theta'][0])
b = open(p, 'rb').read(); print(b.index(struct.pack('<d', t0)))" "$1"; }
# value_offset FILE GROUP VAR INDEX: the byte offset of the bits of VAR's first value from INDEX on
# whose 8 bytes occur once in the file (GROUP "" for the root; symmetric solutions repeat values)
value_offset() { /usr/bin/python3 -c "
import sys, struct, netCDF4
p, g, v, i = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
d = netCDF4.Dataset(p); d = d[g] if g else d; b = open(p, 'rb').read()
x = next(k for k in (struct.pack('<d', float(y)) for y in d[v][:].ravel()[i:]) if b.count(k) == 1)
print(b.index(x))" "$@"; }
# the HDF5 signature (\x89HDF at offset 0): a flipped bit makes the file unreadable as NetCDF
truncate_half model.nc model_cut.nc
flip_at model.nc model_flip.nc "$(weight_offset model.nc)" 3
flip_at model.nc model_sig.nc 1 0
truncate_half ckpt.nc ckpt_cut.nc
flip_at ckpt.nc ckpt_flip.nc "$(weight_offset ckpt.nc)" 3
flip_at ckpt.nc ckpt_optflip.nc "$(value_offset ckpt.nc training optimizer_state 7)" 5
truncate_half ref.nc ref_cut.nc
flip_at ref.nc ref_sig.nc 2 1
flip_at ref.nc ref_flip.nc "$(value_offset ref.nc "" u 13)" 4
printf 'a,b\n0.5,0.1\n' > points.csv
"$phynn" "${fit[@]}" -layers 2,4,1 -max_it 2 -checkpoint wide.nc -o wide_model.nc > /dev/null || { echo "FAIL: setup other architecture"; exit 1; }
rm -f wide_model.nc

fail=0
source "$here/../lib/expect_error.sh"
expect_error "eval: truncated model file" out.csv eval model_cut.nc -in points.csv -o out.csv
expect_error "eval: a flipped bit in a weight" out.csv eval model_flip.nc -in points.csv -o out.csv
expect_error "eval: a flipped bit in the signature" out.csv eval model_sig.nc -in points.csv -o out.csv
expect_error "validate: truncated model file" report validate model_cut.nc ref.nc -report report
expect_error "validate: truncated reference" report validate heat_model.nc ref_cut.nc -report report
expect_error "validate: a flipped bit in the reference's signature" report validate heat_model.nc ref_sig.nc -report report
expect_error "validate: a flipped bit in the reference's values (checksum)" report validate heat_model.nc ref_flip.nc -report report
expect_error "resume: a flipped bit in the optimiser state (checksum)" out.nc "${fit[@]}" -max_it 6 -resume ckpt_optflip.nc -o out.nc
expect_error "resume: truncated checkpoint" out.nc "${fit[@]}" -max_it 6 -resume ckpt_cut.nc -o out.nc
expect_error "resume: a flipped bit in a weight" out.nc "${fit[@]}" -max_it 6 -resume ckpt_flip.nc -o out.nc
expect_error "resume: a checkpoint of another architecture" out.nc "${fit[@]}" -max_it 6 -resume wide.nc -o out.nc
# and the undamaged files still work: the failures above are the damage, not the setup
"$phynn" eval model.nc -in points.csv -o ok.csv > /dev/null 2>&1 && [ -s ok.csv ] || { echo "FAIL: the undamaged model does not evaluate"; fail=1; }
"$phynn" "${fit[@]}" -max_it 6 -resume ckpt.nc -o ok.nc > /dev/null 2>&1 && [ -s ok.nc ] || { echo "FAIL: the undamaged checkpoint does not resume"; fail=1; }
"$phynn" validate heat_model.nc ref.nc -report okreport > /dev/null 2>&1 && [ -d okreport ] || { echo "FAIL: the undamaged reference does not validate"; fail=1; }
exit $fail
