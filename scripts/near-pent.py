#!/usr/bin/env python3
"""Group files (near-search.c format) preserving the 7-pentagon leave of a (35,5,8) packing.
Points i*5+x, pentagon i = 0..6 with edges x ~ x+1 (mod 5).  Prints the group file; the leave
argument for near-sat.py is printed to stderr.
usage: near-pent.py z5 A5 A6     Z_5 cycling pentagons 0..4 ((i,x)->(i+1,x)), rotating pentagon 5 by
                                 A5 and pentagon 6 by A6 (0 = fixed pointwise)
       near-pent.py z3 A         Z_3 cycling 0,1,2 and 3,4,5 ((i,x)->(i+1,x)), pentagon 6 fixed
                                 (A must be 0: no rotation of order 3 on C5)
       near-pent.py z7           Z_7 cycling all 7 pentagons
"""
import sys
kind = sys.argv[1]
P = lambda i, x: i * 5 + x % 5
g = list(range(35))
if kind == 'z5':
    a5, a6 = int(sys.argv[2]), int(sys.argv[3])
    for i in range(5):
        for x in range(5): g[P(i, x)] = P((i + 1) % 5, x)
    for x in range(5): g[P(5, x)] = P(5, x + a5); g[P(6, x)] = P(6, x + a6)
elif kind == 'z3':
    for i in range(6):
        for x in range(5): g[P(i, x)] = P(3 * (i // 3) + (i + 1) % 3, x)
elif kind == 'z7':
    for i in range(7):
        for x in range(5): g[P(i, x)] = P((i + 1) % 7, x)
print(35, 5, 8, 1); print(' '.join(map(str, g)))
sys.stderr.write(','.join('%d-%d' % (P(i, x), P(i, x + 1)) for i in range(7) for x in range(5)) + '\n')
