#!/usr/bin/env python3
"""gdd-grid.py - the (30,5,7) grid point as exact covers over a 7 x 7 grid (issue #4).

A table for (v,k,r) = (30,5,7) with pair counts in {0,1} is a 5-GDD of type 2^15: 42 blocks
of 5, every node in 7, every pair covered once except a perfect matching ("partners") covered
never. Fix partners x, y. x's 7 blocks meet only in x and cover the other 28 nodes once: rows
R_1..R_7 of 4; y's 7 blocks likewise: columns C_1..C_7. A row and a column share at most one
node (else a pair is covered twice), so the 28 nodes are 28 distinct cells of a 7 x 7 grid with
4 cells in every row and column; the empty cells form a 3-regular bipartite graph on 7 + 7
vertices (nauty-genbg lists all 16 up to row and column permutations). The other 28 blocks avoid
x and y and hold 5 cells in distinct rows and columns. Exact cover:
  items   every pair of cells in distinct rows and columns (each covered exactly once, by a block
          or as a partner pair), and every cell (in exactly one partner pair);
  options a block (5 cells in distinct rows and columns: its 10 pairs), or a partner pair {p, q}
          (the item {p, q} and the items p, q).
Conversely every exact cover gives a 5-GDD of type 2^15 (the 14 row/column blocks + x, y + the 28
blocks; `--decode` rebuilds and verifies it). So (30,5,7) has a spread-1 table iff one of the 16
covers is solvable.

usage: gdd-grid.py GRAPHS.g6 OUTDIR          writes OUTDIR/grid-<i>.xc (near-dlx format; xc2cnf.py
                                             turns it into CNF and a SAT model back into "v ids")
       gdd-grid.py GRAPHS.g6 OUTDIR --decode I SOLFILE   verify a solution for graph I (a "v ids" line,
                                             as near-dlx.c and xc2cnf.py --decode print it)
GRAPHS.g6: `nauty-genbg -d3:3 -D3:3 7 7` (Debian package nauty).
"""
import sys, itertools, os


def g6_decode(line):
    data = [ord(c) - 63 for c in line.strip()]
    n = data[0]
    bits = []
    for d in data[1:]:
        for s in range(5, -1, -1):
            bits.append((d >> s) & 1)
    adj = [[0] * n for _ in range(n)]
    t = 0
    for j in range(1, n):
        for i in range(j):
            adj[i][j] = adj[j][i] = bits[t]
            t += 1
    return n, adj


def grid_cells(adj):
    # vertices 0..6 = rows, 7..13 = columns; an edge = an EMPTY cell
    return [(i, j) for i in range(7) for j in range(7) if not adj[i][7 + j]]


def build(cells):
    n = len(cells)
    assert n == 28
    for i in range(7):
        assert sum(1 for c in cells if c[0] == i) == 4 and sum(1 for c in cells if c[1] == i) == 4
    free = lambda a, b: cells[a][0] != cells[b][0] and cells[a][1] != cells[b][1]
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if free(a, b)]
    pid = {p: i for i, p in enumerate(pairs)}
    nitems = len(pairs) + n
    opts = []  # (kind, members, items)
    for a, b in pairs:
        opts.append(('partner', (a, b), sorted([pid[(a, b)], len(pairs) + a, len(pairs) + b])))
    by_row = [[c for c in range(n) if cells[c][0] == i] for i in range(7)]
    for rows in itertools.combinations(range(7), 5):
        for pick in itertools.product(*[by_row[i] for i in rows]):
            if len({cells[c][1] for c in pick}) < 5:
                continue
            opts.append(('block', pick, sorted(pid[(a, b)] for a, b in itertools.combinations(sorted(pick), 2))))
    return pairs, nitems, opts


def verify(cells, chosen):
    """Rebuild the 30-node design: cells 0..27, x = 28, y = 29; check the 5-GDD of type 2^15."""
    blocks = []
    for i in range(7):
        blocks.append([c for c in range(28) if cells[c][0] == i] + [28])
        blocks.append([c for c in range(28) if cells[c][1] == i] + [29])
    partner = {28: 29, 29: 28}
    for kind, mem, _ in chosen:
        if kind == 'block':
            blocks.append(list(mem))
        else:
            partner[mem[0]] = mem[1]
            partner[mem[1]] = mem[0]
    assert len(blocks) == 42 and all(len(set(b)) == 5 for b in blocks), 'block count or size'
    cnt = {}
    deg = [0] * 30
    for b in blocks:
        for p in b:
            deg[p] += 1
        for p, q in itertools.combinations(sorted(b), 2):
            cnt[(p, q)] = cnt.get((p, q), 0) + 1
    assert all(d == 7 for d in deg), 'degree'
    assert len(partner) == 30
    for p in range(30):
        for q in range(p + 1, 30):
            want = 0 if partner[p] == q else 1
            assert cnt.get((p, q), 0) == want, f'pair {p},{q}: {cnt.get((p, q), 0)} != {want}'
    return blocks


def main():
    g6, outdir = sys.argv[1], sys.argv[2]
    graphs = [l for l in open(g6) if l.strip() and not l.startswith('>')]
    if '--decode' in sys.argv:
        i = int(sys.argv[sys.argv.index('--decode') + 1])
        sol = open(sys.argv[sys.argv.index('--decode') + 2]).read().split()
        _, adj = g6_decode(graphs[i])
        cells = grid_cells(adj)
        _, _, opts = build(cells)
        ids = [int(t) for t in sol[1:]] if sol and sol[0] == 'v' else []
        blocks = verify(cells, [opts[j] for j in ids])
        print('VERIFIED 5-GDD of type 2^15 (30,5,7):')
        for b in blocks:
            print(' '.join(map(str, b)))
        return
    os.makedirs(outdir, exist_ok=True)
    for i, line in enumerate(graphs):
        n, adj = g6_decode(line)
        assert n == 14
        cells = grid_cells(adj)
        pairs, nitems, opts = build(cells)
        with open(os.path.join(outdir, f'grid-{i}.xc'), 'w') as f:
            f.write(f'{nitems} {len(opts)}\n')
            for j, (_, _, items) in enumerate(opts):
                f.write(f'{j} ' + ' '.join(map(str, items)) + '\n')
        print(f'graph {i}: {nitems} items ({len(pairs)} pairs + 28 cells), {len(opts)} options')


if __name__ == '__main__':
    main()
