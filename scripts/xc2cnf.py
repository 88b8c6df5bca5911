#!/usr/bin/env python3
"""xc2cnf.py - exact cover (.xc, the format scripts/near-dlx.c reads) -> DIMACS CNF, and back.

.xc format: first line "NITEMS NOPTIONS", then one line per option: "ID item item ..." (items are
0..NITEMS-1, ID is the caller's option id, e.g. near-sat.py's variable number).
usage: xc2cnf.py IN.xc OUT.cnf                 CNF with variable j = the j-th option line (1-based);
                                               per item: at-least-one clause + at-most-one
                                               (pairwise if the item is in <= 6 options, else a
                                               sequential / ladder encoding with auxiliary vars)
       xc2cnf.py IN.xc --decode MODEL          MODEL = SAT solver output ("s SATISFIABLE" + "v ..."
                                               lines, as cadical / kissat print them); verifies that
                                               every item is covered exactly once and prints
                                               "v <option IDs>" (same as near-dlx.c's output), or
                                               "UNSAT" if the model file says UNSATISFIABLE.
Run:  python3 scripts/xc2cnf.py x.xc x.cnf && timeout 1800 cadical -q x.cnf > x.out;
      python3 scripts/xc2cnf.py x.xc --decode x.out > x.sol
Results (Nov 2026, cadical): AGL15 own-leave SAT verified; pentagon Z_7 / Z_5 (1,1) / (1,2) / Z_3
no answer in 900 / 1800 / 1800 / 1500 s; (30,5,7) GDD Z_15 UNSAT 2.3 s. Details: scripts/near-search-results.md ("xc-sat").
"""
import sys


def read_xc(path):
    with open(path) as f:
        ni, no = map(int, f.readline().split())
        ids, rows = [], []
        for _ in range(no):
            t = list(map(int, f.readline().split()))
            ids.append(t[0]); rows.append(sorted(set(t[1:])))
    for r in rows:
        for x in r:
            assert 0 <= x < ni, x
    return ni, ids, rows


def encode(ni, rows, out):
    no = len(rows)
    occ = [[] for _ in range(ni)]
    for j, r in enumerate(rows):
        for x in r: occ[x].append(j + 1)
    nv = no
    cls = []
    for it in range(ni):
        vs = occ[it]
        if not vs:
            cls.append([])  # item nobody covers: trivially UNSAT
            continue
        cls.append(list(vs))  # at least one
        n = len(vs)
        if n <= 6:
            for a in range(n):
                for b in range(a + 1, n): cls.append([-vs[a], -vs[b]])
        else:
            # sequential counter (Sinz): s_i <-> "some of x_1..x_i is true", i = 1..n-1
            s = list(range(nv + 1, nv + n)); nv += n - 1
            cls.append([-vs[0], s[0]])
            for i in range(1, n - 1):
                cls.append([-vs[i], s[i]])
                cls.append([-s[i - 1], s[i]])
                cls.append([-vs[i], -s[i - 1]])
            cls.append([-vs[n - 1], -s[n - 2]])
    with open(out, 'w') as f:
        f.write('p cnf %d %d\n' % (nv, len(cls)))
        for c in cls: f.write(' '.join(map(str, c)) + ' 0\n')
    return nv, len(cls)


def decode(ni, ids, rows, model):
    txt = open(model).read()
    if 'UNSATISFIABLE' in txt:
        print('UNSAT'); return 20
    if 'SATISFIABLE' not in txt:
        print('UNKNOWN'); return 0
    true = set()
    for line in txt.splitlines():
        if line.startswith('v '):
            for t in line.split()[1:]:
                x = int(t)
                if x > 0: true.add(x)
    chosen = [j for j in range(len(rows)) if j + 1 in true]
    cnt = [0] * ni
    for j in chosen:
        for x in rows[j]: cnt[x] += 1
    bad = [i for i in range(ni) if cnt[i] != 1]
    if bad: raise SystemExit('NOT AN EXACT COVER: items %s counts %s' % (bad[:10], [cnt[i] for i in bad[:10]]))
    sys.stderr.write('VERIFIED exact cover: %d options cover %d items once each\n' % (len(chosen), ni))
    print('v ' + ' '.join(str(ids[j]) for j in chosen))
    return 10


if __name__ == '__main__':
    a = sys.argv[1:]
    ni, ids, rows = read_xc(a[0])
    if len(a) >= 3 and a[1] == '--decode':
        sys.exit(0 if decode(ni, ids, rows, a[2]) else 1)
    nv, nc = encode(ni, rows, a[1])
    sys.stderr.write('xc %d items %d options -> cnf %d vars %d clauses\n' % (ni, len(rows), nv, nc))
