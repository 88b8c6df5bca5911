#!/usr/bin/env python3
"""Group files (near-search.c format) for (30,5,7) = a 5-GDD of type 2^15 (42 blocks of 5, every
pair outside the 15 groups {a,b} in exactly one block, the groups = the leave, a perfect matching)
under a semiregular cyclic group Z_m (m = 3, 5 or 15) and an invariant matching.
Points o*m + x (orbit o = 0..30/m-1, x in Z_m), generator (o,x) -> (o,x+1); groups
(2j,x) ~ (2j+1,x) (every invariant perfect matching is of this form up to isomorphism: m is odd,
so no orbit can be matched to itself, and translating orbit 2j+1 makes the offset 0).
Prints the group file; the --leave argument for near-sat.py goes to stderr:
  python3 scripts/gdd-groups.py 5 > g.txt 2> leave.txt
  python3 scripts/near-sat.py g.txt x.xc --leave $(cat leave.txt)     (exact cover)
  python3 scripts/xc2cnf.py x.xc x.cnf; cadical -q x.cnf > x.out; xc2cnf.py x.xc --decode x.out
"""
import sys
m = int(sys.argv[1])
v = 30
assert v % m == 0 and m % 2 == 1
nob = v // m
P = lambda o, x: o * m + x % m
g = [P(o, x + 1) for o in range(nob) for x in range(m)]
print(v, 5, 7, 1); print(' '.join(map(str, g)))
sys.stderr.write(','.join('%d-%d' % (P(2 * j, x), P(2 * j + 1, x)) for j in range(nob // 2) for x in range(m)) + '\n')
