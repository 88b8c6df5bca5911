#!/usr/bin/env python3
"""near-sat.py - CNF encoding (for cadical / cryptominisat) of the orbit problem of near-search.c.

usage: near-sat.py GROUPFILE OUT.cnf [opts]      (writes OUT.cnf and OUT.cnf.map)
       near-sat.py GROUPFILE OUT.cnf --decode MODELFILE   (prints/verifies the blocks of a SAT model)
GROUPFILE as for scripts/near-search.c ("v k r ngen" + ngen permutations; near-groups.py,
near-cosets.py write them). Variables = G-orbits of k-subsets (chosen at most once each).
Constraints: every pair class (G-orbit on pairs) has count in {lo, lo+1}, lo = floor(mean),
every point has degree r. Cardinality: weighted sequential counters capped at max+1.
opts:
  --leave a-b[,c-d...]  (lo = 0 problems) force the classes of these pairs to count 0 and every
                        other class to count exactly 1 (a packing with a prescribed leave: exact cover).
Run:  python3 scripts/near-sat.py g.txt /tmp/x.cnf && cadical -q /tmp/x.cnf > /tmp/x.out;
      python3 scripts/near-sat.py g.txt /tmp/x.cnf --decode /tmp/x.out
Results (Nov 2026, 2 shared cores): verified on (35,5,8) AGL15 1,Z4,Z4,Z4 (cadical 0.1 s) and
(30,5,22) A5 Z2; (35,5,9) Z_7 x 5: 1.39M vars / 4.90M clauses, cadical no answer in 35 min;
pentagon-leave (35,5,8) under Z_5 (near-pent.py z5 1 1) cadical no answer in 560 s.
Details: scripts/near-search-results.md ("near-sat" section).
"""
import sys, itertools
from collections import defaultdict

args = sys.argv[1:]
gf, out = args[0], args[1]
leave = None; decode = None
i = 2
while i < len(args):
    if args[i] == '--leave': leave = [tuple(map(int, p.split('-'))) for p in args[i + 1].split(',')]; i += 2
    elif args[i] == '--decode': decode = args[i + 1]; i += 2
    else: raise SystemExit('bad opt ' + args[i])

toks = open(gf).read().split()
v, k, r, ng = map(int, toks[:4])
gens = [list(map(int, toks[4 + j * v:4 + (j + 1) * v])) for j in range(ng)]
b = v * r // k
tot = b * k * (k - 1) // 2
npairs = v * (v - 1) // 2
lo = tot // npairs
hi = lo if tot % npairs == 0 else lo + 1

def orbits(items, act):
    oid = {}; reps = []; sizes = []
    for it in items:
        if it in oid: continue
        n = len(reps); oid[it] = n; st = [it]; cnt = 1
        while st:
            x = st.pop()
            for g in gens:
                y = act(g, x)
                if y not in oid: oid[y] = n; st.append(y); cnt += 1
        reps.append(it); sizes.append(cnt)
    return oid, reps, sizes

# point orbits
poid, preps, psz = orbits(range(v), lambda g, x: g[x])
# pair classes
pairs = [(a, c) for a in range(v) for c in range(a + 1, v)]
def actp(g, p):
    a, c = g[p[0]], g[p[1]]
    return (a, c) if a < c else (c, a)
coid, creps, csz = orbits(pairs, actp)
ncls = len(creps)
want = {}
if leave is not None:
    assert lo == 0
    L = set(coid[(min(p), max(p))] for p in leave)
    for c in range(ncls): want[c] = (0, 0) if c in L else (1, 1)
else:
    for c in range(ncls): want[c] = (lo, hi)

def actb(g, s):
    return tuple(sorted(g[x] for x in s))
sys.stderr.write('v=%d k=%d r=%d b=%d lo=%d hi=%d point orbits %d pair classes %d\n' % (v, k, r, b, lo, hi, len(preps), ncls))
boid, breps, bsz = orbits(itertools.combinations(range(v), k), actb)
sys.stderr.write('block orbits %d\n' % len(breps))
opts = []  # (rep, size, {cls: w}, {porb: d})
for rep, sz in zip(breps, bsz):
    cc = defaultdict(int)
    for a, c in itertools.combinations(rep, 2): cc[coid[(a, c)]] += 1
    ok = True; cw = {}
    for c, m in cc.items():
        w = sz * m
        if w % csz[c]: raise SystemExit('nonintegral')
        w //= csz[c]
        if w > want[c][1]: ok = False; break
        cw[c] = w
    if not ok: continue
    pd = defaultdict(int)
    for x in rep: pd[poid[x]] += 1
    dd = {}
    for o, m in pd.items():
        d = sz * m // psz[o]
        if d > r: ok = False
        dd[o] = d
    if ok: opts.append((rep, sz, cw, dd))
sys.stderr.write('viable block orbits %d\n' % len(opts))

if decode:
    toks = open(decode).read().split()
    true = set(int(t) for t in toks if t.lstrip('-').isdigit() and int(t) > 0)
    blocks = set()
    for j, (rep, sz, cw, dd) in enumerate(opts):
        if j + 1 in true:
            st = [rep]; seen = {rep}
            while st:
                x = st.pop()
                for g in gens:
                    y = actb(g, x)
                    if y not in seen: seen.add(y); st.append(y)
            blocks |= seen
    blocks = sorted(blocks)
    deg = [0] * v; pc = defaultdict(int)
    for B in blocks:
        for x in B: deg[x] += 1
        for a, c in itertools.combinations(B, 2): pc[(a, c)] += 1
    assert len(blocks) == b, len(blocks)
    assert all(d == r for d in deg)
    for p in pairs:
        lo_, hi_ = want[coid[p]]
        assert lo_ <= pc[p] <= hi_, (p, pc[p])
    print('VERIFIED', len(blocks), 'blocks')
    print(' '.join('[' + ','.join(map(str, B)) + ']' for B in blocks))
    sys.exit(0)

if leave is not None and out.endswith('.xc'):
    # exact-cover matrix for scripts/near-dlx.c: items = classes wanted at count 1
    items = [c for c in range(ncls) if want[c] == (1, 1)]; idx = {c: i for i, c in enumerate(items)}
    good = [j for j, o in enumerate(opts) if all(want[c] == (1, 1) for c in o[2])]
    with open(out, 'w') as f:
        f.write('%d %d\n' % (len(items), len(good)))
        for j in good: f.write('%d %s\n' % (j + 1, ' '.join(str(idx[c]) for c in sorted(opts[j][2]))))
    sys.stderr.write('exact cover: %d items, %d options\n' % (len(items), len(good)))
    sys.exit(0)
nv = len(opts)
clauses = []
def newvar():
    global nv
    nv += 1
    return nv

def sumin(terms, L, U):
    """sum w*x over terms (var, w) in [L, U] via a sequential counter capped at U+1."""
    K = U + 1
    terms = [(x, w) for x, w in terms if w > 0]
    if sum(w for _, w in terms) < L: clauses.append([]); return
    prev = [None] * (K + 1)  # prev[val] = var 'partial >= val' (None = false)
    for x, w in terms:
        cur = [None] * (K + 1)
        for val in range(1, K + 1):
            s = newvar(); cur[val] = s
            p = prev[val]
            if p: clauses.append([-p, s])
            q = prev[val - w] if val - w >= 1 else True
            if q is True: clauses.append([-x, s])
            elif q: clauses.append([-x, -q, s])
            # s -> p or (x and q)
            cl = [-s, x]
            if p: cl.append(p)
            clauses.append(cl)
            if q is not True:
                cl = [-s]
                if p: cl.append(p)
                if q: cl.append(q)
                clauses.append(cl)
        prev = cur
    if prev[K]: clauses.append([-prev[K]])
    if L >= 1:
        if prev[L]: clauses.append([prev[L]])
        else: clauses.append([])
    return prev

bycls = defaultdict(list); bypt = defaultdict(list)
for j, (rep, sz, cw, dd) in enumerate(opts):
    for c, w in cw.items(): bycls[c].append((j + 1, w))
    for o, d in dd.items(): bypt[o].append((j + 1, d))
atHi = {}
for c in range(ncls):
    L, U = want[c]
    if U == 0:
        for x, w in bycls[c]: clauses.append([-x])
    else:
        pv = sumin(bycls[c], L, U)
        if L < U: atHi[c] = pv[U]
# degrees: implied when every class count is fixed; otherwise (lo < hi) degree r <=> exactly
# E = r(k-1) - lo(v-1) partners at count hi, a small constraint over the classes' 'count >= hi' outputs
if leave is None and lo < hi:
    E = r * (k - 1) - lo * (v - 1)
    for o, p in enumerate(preps):
        m = defaultdict(int)
        for q in range(v):
            if q != p: m[coid[(min(p, q), max(p, q))]] += 1
        sumin([(atHi[c], w) for c, w in m.items() if atHi.get(c)], E, E)
with open(out, 'w') as f:
    f.write('p cnf %d %d\n' % (nv, len(clauses)))
    for cl in clauses: f.write(' '.join(map(str, cl)) + ' 0\n')
sys.stderr.write('cnf vars %d clauses %d\n' % (nv, len(clauses)))
