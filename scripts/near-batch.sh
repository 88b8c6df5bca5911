#!/bin/bash
# near-batch.sh V R TIMEOUT FMAX MAXORBITS GROUP...  - reproduce the orbit searches of issue #4.
# For every GROUP (near-cosets.py names: A5 S5 L27 AGL15 AGL17 D20 C<n> D<n> FR<p>_<d>), lists the
# ways to write V as a sum of orbit sizes (|G|/|H|, one subgroup per size, up to MAXORBITS orbits,
# up to FMAX fixed points) and runs the exhaustive-order DFS on each with a time limit.
# Prints one line per action: SOLUTION (blocks in the .out file), EXHAUSTED (none exists with that
# automorphism group action) or TIMEOUT.
# Needs: gcc -O2 -o /tmp/near-search scripts/near-search.c
set -u
V=$1; R=$2; TO=$3; FMAX=$4; MAXO=$5; shift 5
D=$(dirname "$0"); W=${NEAR_WORK:-/tmp/near-work}; mkdir -p "$W"
for G in "$@"; do
  python3 "$D/near-cosets.py" $V 5 $R $G LIST $FMAX $MAXO 2>/dev/null
done | while read G H F; do
  f="$W/cs_${V}_${R}_${G}_${H}_$F.txt"
  python3 "$D/near-cosets.py" $V 5 $R $G $H $F > "$f" 2>/dev/null || continue
  out="${f%.txt}.out"
  ( /usr/bin/time -f "time %e s" timeout $TO /tmp/near-search "$f" 1 0 ) > "$out" 2>&1
  echo "$G $H +$F: $(grep -m1 -E 'SOLUTION|EXHAUSTED' "$out" || echo TIMEOUT) $(grep time "$out")"
done
