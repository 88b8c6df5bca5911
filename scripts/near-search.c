/*
 * near-search.c - orbit (Kramer-Mesner style) DFS for "near designs" / balanced chain tables.
 *
 * Finds b = v*r/k blocks (k-subsets of 0..v-1) with every point in exactly r blocks and every
 * pair count in {lo, lo+1}, lo = floor(mean pair count), invariant under a permutation group G
 * given by generators. Blocks are chosen as whole G-orbits (at most once each).
 *
 * Build: gcc -O2 -o /tmp/near-search scripts/near-search.c
 * Run:   /tmp/near-search GROUPFILE SEED NODELIMIT [MAXRESTARTS]
 *   GROUPFILE: "v k r" then "ngen" then ngen lines of v integers (permutations of 0..v-1).
 *   (scripts/near-groups.py writes such files for Z_n x c + f fixed points and friends.)
 *   Restarts: randomized option order, node limit per restart NODELIMIT * (restart index + 1).
 *   NODELIMIT 0 = one exhaustive search with the natural order (prints "EXHAUSTED" if no solution).
 * Output: "SOLUTION" followed by the b blocks, one per line, verified in-program.
 *
 * Also: NS_PREFIX=file  fixed blocks applied before the search (must be a G-invariant set);
 *        NS_OPB=file     write a pseudo-Boolean instance (minisat+ format) of the same orbit problem and exit;
 *        NS_LOAD=file    read a model ("x<n>" tokens, orbit n-1 chosen) and print/verify the blocks;
 *        NS_MAXMULT=m    allow an orbit to be chosen up to m times (default 1: distinct blocks);
 *        NS_PROGRESS=d   print "progress depth=.. branch i/n" on stderr for branches at depth < d;
 *        NS_ALL=1        (lo = 0) enumerate all solutions, print those whose leave graph splits the
 *                        points into 5-sets (adding those 5-sets gives the r+1 table), count the rest.
 *
 * Results (issue #4, Nov 2026, 2 shared cores, load 3-7):
 *   (30,5,22) found: A5 on its 30 cosets of Z2 (near-cosets.py 30 5 22 A5 Z2), 50 nodes, < 0.1 s.
 *   (35,5,8)  found: AGL(1,5) on 20+5+5+5 (near-cosets.py 35 5 8 AGL15 1,Z4,Z4,Z4), 24 nodes, < 0.1 s
 *             (also AGL15 on 20+10+5); leave = 5 triangles + 4 pentagons.
 *   (40,5,10), (35,5,9), (30,5,7): not found. scripts/near-search-results.md lists every group
 *             action tried per target: "exhausted" = the whole orbit tree was searched without a
 *             solution (so no such table is invariant under that action), "open" = time-out.
 *
 * Search: variables are pair classes (G-orbits on pairs) below lo (or, when lo = 0, classes not
 * yet covered nor declared "left" at count 0) and points below degree r; at each node the
 * variable with fewest viable options is branched on. An option is a block orbit that keeps every
 * class count <= lo+1, every point degree <= r and every point's number of partners at lo+1 within
 * E = r(k-1) - lo(v-1) (for lo = 0, partners left at 0 within v-1-E).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define MAXV 64
static int v, k, r, lo, b, E, LEAVE;
static int ng; static unsigned char *grp; /* ng x v */
static int nP, porb[MAXV], psize[MAXV];
static int ncls, *clsof; /* clsof[i*v+j] */
static int *csize, *crep0, *crep1;
static int *cmult; /* ncls x nP: partners of rep of point orbit P in class C */
/* block orbits */
static int nO; static int *obase; /* ncls contributions */
static int *onc, *ocls, *ocnt; /* per orbit: number of classes, list (offset oofs) */
static int *oofs; static int *onp, *opts, *odeg, *opofs; static int *osz; static int *orep; /* rep block k ints */
static int **clsopt, *nclsopt; static int **ptopt, *nptopt;
static uint64_t rng = 88172645463325252ULL;
static uint64_t xr(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static int binom[MAXV + 1][8];
static int64_t rankset(const int *s) { int64_t x = 0; for (int i = 0; i < k; i++) x += binom[s[i]][i + 1]; return x; }
static int cmpint(const void *a, const void *b2) { return *(const int *)a - *(const int *)b2; }

static int count[100000], closed[100000];
static int deg[MAXV], extra[MAXV], leave[MAXV];
static int chosen[200000], nchosen;
static long long nodes, limit;
static unsigned char *banned;
/* optional fixed blocks (env NS_PREFIX = file of blocks, one per line; must be a G-invariant set) */
static int npre, pre[4000][8];
static int pcount0[100000], pdeg0[MAXV], pextra0[MAXV];

static int *used; static int maxmult = 1;
static int viable(int o) {
  if (banned[o] || used[o] >= maxmult) return 0;
  int *cl = ocls + oofs[o], *cn = ocnt + oofs[o];
  for (int i = 0; i < onc[o]; i++) { int c = cl[i]; if (closed[c] || count[c] + cn[i] > lo + 1) return 0; }
  int *pp = opts + opofs[o], *pd = odeg + opofs[o];
  for (int i = 0; i < onp[o]; i++) if (deg[pp[i]] + pd[i] > r) return 0;
  /* extras */
  static int ex[MAXV]; int touched = 0;
  for (int i = 0; i < onc[o]; i++) {
    int c = cl[i];
    if (count[c] + cn[i] == lo + 1 && count[c] < lo + 1) {
      int *m = cmult + (int64_t)c * nP;
      for (int P = 0; P < nP; P++) if (m[P]) { if (!touched) { memset(ex, 0, sizeof ex); touched = 1; } ex[P] += m[P]; }
    }
  }
  if (touched) for (int P = 0; P < nP; P++) if (extra[P] + ex[P] > E) return 0;
  return 1;
}
static void apply(int o, int s) {
  used[o] += s;
  int *cl = ocls + oofs[o], *cn = ocnt + oofs[o];
  for (int i = 0; i < onc[o]; i++) {
    int c = cl[i]; int before = count[c], after = before + s * cn[i];
    int *m = cmult + (int64_t)c * nP;
    if (s > 0 && before < lo + 1 && after == lo + 1) for (int P = 0; P < nP; P++) extra[P] += m[P];
    if (s < 0 && before == lo + 1 && after < lo + 1) for (int P = 0; P < nP; P++) extra[P] -= m[P];
    count[c] = after;
  }
  int *pp = opts + opofs[o], *pd = odeg + opofs[o];
  for (int i = 0; i < onp[o]; i++) deg[pp[i]] += s * pd[i];
}
static int closable(int c) {
  if (lo != 0 || count[c] != 0) return 0;
  int *m = cmult + (int64_t)c * nP;
  for (int P = 0; P < nP; P++) if (m[P] && leave[P] + m[P] > LEAVE) return 0;
  return 1;
}
static void closeit(int c, int s) {
  int *m = cmult + (int64_t)c * nP; closed[c] += s;
  for (int P = 0; P < nP; P++) leave[P] += s * m[P];
}

static int expand_blocks(int blocks[][8]) {
  int nb = 0;
  for (int i = 0; i < npre; i++) { memcpy(blocks[nb], pre[i], sizeof(int) * k); qsort(blocks[nb], k, sizeof(int), cmpint); nb++; }
  for (int i = 0; i < nchosen; i++) { int o = chosen[i];
    static int seen2[4096][8]; int ns = 0;
    for (int a = 0; a < ng; a++) { int t[8]; for (int j = 0; j < k; j++) t[j] = grp[a * v + orep[o * k + j]]; qsort(t, k, sizeof(int), cmpint);
      int dup = 0; for (int z = 0; z < ns && !dup; z++) if (!memcmp(seen2[z], t, sizeof(int) * k)) dup = 1;
      if (!dup && ns < 4096) { memcpy(seen2[ns++], t, sizeof(int) * k); memcpy(blocks[nb++], t, sizeof(int) * k); } } }
  return nb;
}
/* NS_ALL (lo = 0 only): enumerate solutions; report those whose leave graph is a disjoint union of
   K5-minus-... 5-cycles on a vertex partition into 5-sets (then adding those 5-sets as blocks gives the
   r+1 table with counts {1,2}). */
static long long nsol, ngood;
static int check_leave_c5(void) {
  static int bl[4000][8]; int nb = expand_blocks(bl);
  static int pc[MAXV][MAXV]; memset(pc, 0, sizeof pc);
  for (int i = 0; i < nb; i++) for (int a = 0; a < k; a++) for (int c = a + 1; c < k; c++) { pc[bl[i][a]][bl[i][c]]++; pc[bl[i][c]][bl[i][a]]++; }
  int comp[MAXV]; for (int i = 0; i < v; i++) comp[i] = -1;
  int ncomp = 0, ok = 1;
  for (int s0 = 0; s0 < v; s0++) if (comp[s0] < 0) { int st[MAXV], ns = 0, sz = 0; st[ns++] = s0; comp[s0] = ncomp;
    while (ns) { int x = st[--ns]; sz++; for (int y = 0; y < v; y++) if (y != x && pc[x][y] == 0 && comp[y] < 0) { comp[y] = ncomp; st[ns++] = y; } }
    if (sz != 5) ok = 0; ncomp++; }
  nsol++;
  if (ok) { ngood++; printf("GOODLEAVE"); for (int c = 0; c < ncomp; c++) { printf(" {"); for (int i = 0; i < v; i++) if (comp[i] == c) printf("%d ", i); printf("}"); } printf("\n");
    for (int i = 0; i < nb; i++) { for (int j = 0; j < k; j++) printf("%d ", bl[i][j]); printf("\n"); } fflush(stdout); }
  return ok;
}
static int *alivebuf; static long long alivecap, aliveused;
static int *vcount; /* ncls + nP scratch per node is allocated on the stack below */
/* alive: orbits viable at the parent (a superset of those viable here; viability is monotone) */
static int depth, progdepth = -1; /* NS_PROGRESS=d: report branch i/n at depths < d on stderr */
static int dfs(int *alive, int nalive) {
  if (limit && nodes > limit) return -1;
  nodes++;
  if (aliveused + nalive > alivecap) { fprintf(stderr, "alive buffer full\n"); exit(3); }
  int *my = alivebuf + aliveused; int nmy = 0;
  for (int i = 0; i < nalive; i++) if (viable(alive[i])) my[nmy++] = alive[i];
  aliveused += nmy;
  int *cc = calloc(ncls + nP, sizeof(int));
  for (int i = 0; i < nmy; i++) { int o = my[i];
    for (int j = 0; j < onc[o]; j++) cc[ocls[oofs[o] + j]]++;
    for (int j = 0; j < onp[o]; j++) cc[ncls + opts[opofs[o] + j]]++; }
  int best = -1, bestIsPt = 0, bestn = 1 << 30, res = 0;
  for (int c = 0; c < ncls; c++) {
    if (count[c] >= (lo == 0 ? 1 : lo) || closed[c]) continue;
    int n = cc[c] + closable(c);
    if (n < bestn) { bestn = n; best = c; bestIsPt = 0; }
  }
  for (int P = 0; P < nP; P++) {
    if (deg[P] >= r) continue;
    int n = cc[ncls + P];
    if (n < bestn) { bestn = n; best = P; bestIsPt = 1; }
  }
  free(cc);
  if (best < 0) { if (getenv("NS_ALL")) { if (check_leave_c5()) { res = 1; goto out; } res = 0; goto out; } res = 1; goto out; }
  if (bestn == 0) { res = 0; goto out; }
  {
    int start = limit ? (int)(xr() % nmy) : 0;
    int tried[4096]; int ntried = 0; int nbr = 0, ibr = 0;
    if (depth < progdepth) for (int ii = 0; ii < nmy; ii++) { int o = my[ii]; if (banned[o]) continue;
      if (bestIsPt) { for (int j = 0; j < onp[o]; j++) if (opts[opofs[o] + j] == best) { nbr++; break; } }
      else { for (int j = 0; j < onc[o]; j++) if (ocls[oofs[o] + j] == best) { nbr++; break; } } }
    for (int ii = 0; ii < nmy; ii++) {
      int o = my[(start + ii) % nmy];
      if (banned[o]) continue;
      int has = 0;
      if (bestIsPt) { for (int j = 0; j < onp[o]; j++) if (opts[opofs[o] + j] == best) has = 1; }
      else { for (int j = 0; j < onc[o]; j++) if (ocls[oofs[o] + j] == best) has = 1; }
      if (!has) continue;
      apply(o, 1); chosen[nchosen++] = o;
      if (depth < progdepth) { ibr++; fprintf(stderr, "progress depth=%d branch %d/%d nodes=%lld\n", depth, ibr, nbr, nodes); }
      depth++; res = dfs(my, nmy); depth--;
      if (res != 0) break;
      nchosen--; apply(o, -1);
      banned[o] = 1; if (ntried < 4096) tried[ntried++] = o; else banned[o] = 0;
    }
    if (res == 0 && !bestIsPt && closable(best)) {
      closeit(best, 1);
      depth++; res = dfs(my, nmy); depth--;
      if (res == 0) closeit(best, -1);
    }
    for (int i = 0; i < ntried; i++) banned[tried[i]] = 0;
  }
out:
  aliveused -= nmy;
  return res;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: near-search GROUPFILE SEED NODELIMIT [MAXRESTARTS]\n"); return 2; }
  FILE *f = fopen(argv[1], "r"); if (!f) { perror("group"); return 2; }
  rng ^= (uint64_t)atoll(argv[2]) * 0x9E3779B97F4A7C15ULL; for (int i = 0; i < 10; i++) xr();
  long long nl = atoll(argv[3]); int maxr = argc > 4 ? atoi(argv[4]) : 1000000;
  int ngen; if (fscanf(f, "%d %d %d %d", &v, &k, &r, &ngen) != 4) return 2;
  unsigned char (*gen)[MAXV] = malloc(sizeof(*gen) * (ngen + 1));
  for (int g = 0; g < ngen; g++) for (int i = 0; i < v; i++) { int x; if (fscanf(f, "%d", &x) != 1) return 2; gen[g][i] = x; }
  b = v * r / k;
  long long T = (long long)b * k * (k - 1) / 2, Pp = (long long)v * (v - 1) / 2; lo = T / Pp;
  E = r * (k - 1) - lo * (v - 1); LEAVE = v - 1 - E;
  /* group closure */
  int cap = 4096; grp = malloc(cap * v); ng = 1; for (int i = 0; i < v; i++) grp[i] = i;
  for (int a = 0; a < ng; a++) for (int g = 0; g < ngen; g++) {
    unsigned char p[MAXV]; for (int i = 0; i < v; i++) p[i] = gen[g][grp[a * v + i]];
    int dup = 0; for (int c = 0; c < ng && !dup; c++) if (!memcmp(grp + c * v, p, v)) dup = 1;
    if (!dup) { if (ng == cap) { cap *= 2; grp = realloc(grp, cap * v); } memcpy(grp + ng * v, p, v); ng++; }
  }
  /* point orbits */
  for (int i = 0; i < v; i++) porb[i] = -1;
  nP = 0; for (int i = 0; i < v; i++) if (porb[i] < 0) { psize[nP] = 0; for (int a = 0; a < ng; a++) { int j = grp[a * v + i]; if (porb[j] < 0) { porb[j] = nP; psize[nP]++; } } nP++; }
  /* pair classes */
  clsof = malloc(sizeof(int) * v * v); for (int i = 0; i < v * v; i++) clsof[i] = -1;
  csize = malloc(sizeof(int) * v * v); crep0 = malloc(sizeof(int) * v * v); crep1 = malloc(sizeof(int) * v * v);
  ncls = 0;
  for (int i = 0; i < v; i++) for (int j = i + 1; j < v; j++) if (clsof[i * v + j] < 0) {
    csize[ncls] = 0; crep0[ncls] = i; crep1[ncls] = j;
    for (int a = 0; a < ng; a++) { int x = grp[a * v + i], y = grp[a * v + j]; if (clsof[x * v + y] < 0) { clsof[x * v + y] = clsof[y * v + x] = ncls; csize[ncls]++; } }
    ncls++;
  }
  cmult = calloc((size_t)ncls * nP, sizeof(int));
  for (int P = 0; P < nP; P++) { int p = -1; for (int i = 0; i < v; i++) if (porb[i] == P) { p = i; break; }
    for (int q = 0; q < v; q++) if (q != p) cmult[(int64_t)clsof[p * v + q] * nP + P]++; }
  fprintf(stderr, "v=%d k=%d r=%d b=%d lo=%d E=%d |G|=%d pointorbits=%d classes=%d\n", v, k, r, b, lo, E, ng, nP, ncls);
  /* block orbits */
  for (int i = 0; i <= MAXV; i++) for (int j = 0; j < 8; j++) binom[i][j] = j == 0 ? 1 : (i == 0 ? 0 : binom[i - 1][j - 1] + binom[i - 1][j]);
  int64_t nsets = binom[v][k];
  unsigned char *seen = calloc(nsets, 1);
  int ocap = 1 << 16; nO = 0;
  onc = malloc(sizeof(int) * ocap); oofs = malloc(sizeof(int) * ocap); onp = malloc(sizeof(int) * ocap); opofs = malloc(sizeof(int) * ocap); osz = malloc(sizeof(int) * ocap); orep = malloc(sizeof(int) * ocap * k);
  int ccap = 1 << 20, pcap = 1 << 20, cused = 0, pused = 0;
  ocls = malloc(sizeof(int) * ccap); ocnt = malloc(sizeof(int) * ccap); opts = malloc(sizeof(int) * pcap); odeg = malloc(sizeof(int) * pcap);
  int s[8]; for (int i = 0; i < k; i++) s[i] = i;
  int *tc = calloc(ncls, sizeof(int)); int tp[MAXV];
  int *orbitsets = malloc(sizeof(int) * ng * 8);
  long long rejected = 0;
  for (;;) {
    int64_t rk = rankset(s);
    if (!seen[rk]) {
      int osize = 0;
      for (int a = 0; a < ng; a++) {
        int t[8]; for (int i = 0; i < k; i++) t[i] = grp[a * v + s[i]];
        qsort(t, k, sizeof(int), cmpint);
        int64_t rt = rankset(t); if (seen[rt]) continue; seen[rt] = 1;
        memcpy(orbitsets + osize * k, t, sizeof(int) * k); osize++;
      }
      /* contributions */
      int ok = 1; memset(tp, 0, sizeof tp);
      int touched[64], nt = 0;
      for (int a = 0; a < osize; a++) { int *t = orbitsets + a * k;
        for (int i = 0; i < k; i++) { tp[porb[t[i]]]++; for (int j = i + 1; j < k; j++) { int c = clsof[t[i] * v + t[j]]; if (!tc[c]) { if (nt < 64) touched[nt] = c; nt++; } tc[c]++; } } }
      if (nt > 64) { fprintf(stderr, "too many classes per orbit\n"); return 2; }
      for (int i = 0; i < nt; i++) { int c = touched[i]; if (tc[c] % csize[c]) { fprintf(stderr, "nonint\n"); return 2; } if (tc[c] / csize[c] > lo + 1) ok = 0; }
      for (int P = 0; P < nP; P++) { if (tp[P] % psize[P]) { fprintf(stderr, "nonint deg\n"); return 2; } if (tp[P] / psize[P] > r) ok = 0; }
      if (ok) {
        if (nO == ocap) { ocap *= 2; onc = realloc(onc, sizeof(int) * ocap); oofs = realloc(oofs, sizeof(int) * ocap); onp = realloc(onp, sizeof(int) * ocap); opofs = realloc(opofs, sizeof(int) * ocap); osz = realloc(osz, sizeof(int) * ocap); orep = realloc(orep, sizeof(int) * ocap * k); }
        if (cused + nt > ccap) { ccap *= 2; ocls = realloc(ocls, sizeof(int) * ccap); ocnt = realloc(ocnt, sizeof(int) * ccap); }
        if (pused + nP > pcap) { pcap *= 2; opts = realloc(opts, sizeof(int) * pcap); odeg = realloc(odeg, sizeof(int) * pcap); }
        onc[nO] = nt; oofs[nO] = cused; for (int i = 0; i < nt; i++) { ocls[cused] = touched[i]; ocnt[cused] = tc[touched[i]] / csize[touched[i]]; cused++; }
        onp[nO] = 0; opofs[nO] = pused; for (int P = 0; P < nP; P++) if (tp[P]) { opts[pused] = P; odeg[pused] = tp[P] / psize[P]; pused++; onp[nO]++; }
        osz[nO] = osize; memcpy(orep + nO * k, s, sizeof(int) * k); nO++;
      } else rejected++;
      for (int i = 0; i < nt; i++) tc[touched[i]] = 0;
    }
    int i = k - 1; while (i >= 0 && s[i] == v - k + i) i--; if (i < 0) break;
    s[i]++; for (int j = i + 1; j < k; j++) s[j] = s[j - 1] + 1;
  }
  fprintf(stderr, "block orbits usable=%d rejected=%lld\n", nO, rejected);
  nclsopt = calloc(ncls, sizeof(int)); clsopt = malloc(sizeof(int *) * ncls);
  nptopt = calloc(nP, sizeof(int)); ptopt = malloc(sizeof(int *) * nP);
  for (int o = 0; o < nO; o++) { for (int i = 0; i < onc[o]; i++) nclsopt[ocls[oofs[o] + i]]++; for (int i = 0; i < onp[o]; i++) nptopt[opts[opofs[o] + i]]++; }
  for (int c = 0; c < ncls; c++) { clsopt[c] = malloc(sizeof(int) * (nclsopt[c] + 1)); nclsopt[c] = 0; }
  for (int P = 0; P < nP; P++) { ptopt[P] = malloc(sizeof(int) * (nptopt[P] + 1)); nptopt[P] = 0; }
  for (int o = 0; o < nO; o++) { for (int i = 0; i < onc[o]; i++) { int c = ocls[oofs[o] + i]; clsopt[c][nclsopt[c]++] = o; } for (int i = 0; i < onp[o]; i++) { int P = opts[opofs[o] + i]; ptopt[P][nptopt[P]++] = o; } }
  banned = calloc(nO + 1, 1); used = calloc(nO + 1, sizeof(int));
  if (getenv("NS_PROGRESS")) progdepth = atoi(getenv("NS_PROGRESS"));
  if (getenv("NS_MAXMULT")) maxmult = atoi(getenv("NS_MAXMULT"));
  if (getenv("NS_PREFIX")) {
    FILE *pf = fopen(getenv("NS_PREFIX"), "r"); if (!pf) { perror("prefix"); return 2; }
    while (npre < 4000) { int ok = 1; for (int j = 0; j < k && ok; j++) if (fscanf(pf, "%d", &pre[npre][j]) != 1) ok = 0; if (!ok) break; npre++; }
    fclose(pf);
    static int ppc[MAXV][MAXV]; int pdg[MAXV] = {0};
    for (int i = 0; i < npre; i++) for (int a = 0; a < k; a++) { pdg[pre[i][a]]++; for (int c = a + 1; c < k; c++) { ppc[pre[i][a]][pre[i][c]]++; ppc[pre[i][c]][pre[i][a]]++; } }
    for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) if (i != j && ppc[i][j] != ppc[crep0[clsof[i * v + j]]][crep1[clsof[i * v + j]]]) { fprintf(stderr, "prefix not G-invariant\n"); return 2; }
    for (int c = 0; c < ncls; c++) { pcount0[c] = ppc[crep0[c]][crep1[c]]; if (pcount0[c] > lo + 1) { fprintf(stderr, "prefix count too big\n"); return 2; }
      if (pcount0[c] == lo + 1) for (int P = 0; P < nP; P++) pextra0[P] += cmult[(int64_t)c * nP + P]; }
    for (int i = 0; i < v; i++) pdeg0[porb[i]] = pdg[i];
    fprintf(stderr, "prefix: %d blocks\n", npre);
  }
  alivecap = (long long)nO * 40 + 1000000; alivebuf = malloc(sizeof(int) * alivecap);
  if (getenv("NS_OPB")) { /* write a pseudo-Boolean instance (variables x<orbit+1>) and exit */
    FILE *o = fopen(getenv("NS_OPB"), "w");
    int nc = 0; for (int c = 0; c < ncls; c++) nc += (lo - pcount0[c] > 0) + 1; nc += nP;
    fprintf(o, "* #variable= %d #constraint= %d\n", nO, nc);
    for (int c = 0; c < ncls; c++) {
      for (int pass = 0; pass < 2; pass++) {
        int need = pass == 0 ? lo - pcount0[c] : lo + 1 - pcount0[c];
        if (pass == 0 && need <= 0) continue;
        if (nclsopt[c] == 0) { if (pass == 0) fprintf(o, "+1 x1 -1 x1 >= 1 ;\n"); else fprintf(o, "+1 x1 -1 x1 >= 0 ;\n"); continue; }
        for (int i = 0; i < nclsopt[c]; i++) { int ob = clsopt[c][i]; int a = 0;
          for (int j = 0; j < onc[ob]; j++) if (ocls[oofs[ob] + j] == c) a = ocnt[oofs[ob] + j];
          fprintf(o, "%s%d x%d ", pass ? "-" : "+", a, ob + 1); }
        fprintf(o, ">= %d ;\n", pass ? -need : need);
      }
    }
    for (int P = 0; P < nP; P++) {
      if (nptopt[P] == 0) { fprintf(o, "+1 x1 -1 x1 = %d ;\n", r - pdeg0[P]); continue; }
      for (int i = 0; i < nptopt[P]; i++) { int ob = ptopt[P][i]; int a = 0;
        for (int j = 0; j < onp[ob]; j++) if (opts[opofs[ob] + j] == P) a = odeg[opofs[ob] + j];
        fprintf(o, "+%d x%d ", a, ob + 1); }
      fprintf(o, "= %d ;\n", r - pdeg0[P]);
    }
    fclose(o); fprintf(stderr, "wrote OPB with %d variables\n", nO); return 0;
  }
  if (getenv("NS_LOAD")) { /* read a solver model: tokens x<n> (positive) select orbit n-1 */
    FILE *in = fopen(getenv("NS_LOAD"), "r"); char tok[64];
    while (fscanf(in, "%63s", tok) == 1) if (tok[0] == 'x') chosen[nchosen++] = atoi(tok + 1) - 1;
    fclose(in); goto expand;
  }
  int restarts = 0; long long total = 0;
  for (;;) {
    limit = nl ? nl * (restarts + 1) : 0; nodes = 0;
    memset(count, 0, sizeof count); memset(closed, 0, sizeof closed); memset(deg, 0, sizeof deg);
    memset(extra, 0, sizeof extra); memset(leave, 0, sizeof leave); nchosen = 0; memset(banned, 0, nO); memset(used, 0, sizeof(int) * nO);
    memcpy(count, pcount0, sizeof(int) * ncls); memcpy(deg, pdeg0, sizeof deg); memcpy(extra, pextra0, sizeof extra);
    if (nl) { /* shuffle options */
      for (int c = 0; c < ncls; c++) for (int i = nclsopt[c] - 1; i > 0; i--) { int j = xr() % (i + 1); int t = clsopt[c][i]; clsopt[c][i] = clsopt[c][j]; clsopt[c][j] = t; }
      for (int P = 0; P < nP; P++) for (int i = nptopt[P] - 1; i > 0; i--) { int j = xr() % (i + 1); int t = ptopt[P][i]; ptopt[P][i] = ptopt[P][j]; ptopt[P][j] = t; }
    }
    aliveused = 0; int *all = malloc(sizeof(int) * nO); for (int o = 0; o < nO; o++) all[o] = o;
    if (nl) for (int i = nO - 1; i > 0; i--) { int j = xr() % (i + 1); int t = all[i]; all[i] = all[j]; all[j] = t; }
    int res = dfs(all, nO); total += nodes; free(all);
    if (res == 1) break;
    if (res == 0) { printf("EXHAUSTED nodes=%lld restarts=%d solutions=%lld\n", total, restarts, nsol); fflush(stdout); return 1; }
    restarts++;
    if (restarts % 10 == 0) { fprintf(stderr, "restarts=%d nodes=%lld\n", restarts, total); }
    if (restarts >= maxr) { printf("GAVEUP nodes=%lld restarts=%d\n", total, restarts); return 1; }
  }
expand:;
  /* expand and verify */
  int nb = 0; static int blocks[4000][8];
  for (int i = 0; i < npre; i++) { memcpy(blocks[nb], pre[i], sizeof(int) * k); qsort(blocks[nb], k, sizeof(int), cmpint); nb++; }
  for (int i = 0; i < nchosen; i++) { int o = chosen[i];
    int seen2[4096][8]; int ns = 0;
    for (int a = 0; a < ng; a++) { int t[8]; for (int j = 0; j < k; j++) t[j] = grp[a * v + orep[o * k + j]]; qsort(t, k, sizeof(int), cmpint);
      int dup = 0; for (int z = 0; z < ns && !dup; z++) if (!memcmp(seen2[z], t, sizeof(int) * k)) dup = 1;
      if (!dup && ns < 4096) { memcpy(seen2[ns++], t, sizeof(int) * k); memcpy(blocks[nb++], t, sizeof(int) * k); } } }
  int pc[MAXV][MAXV]; int dg[MAXV]; memset(pc, 0, sizeof pc); memset(dg, 0, sizeof dg);
  for (int i = 0; i < nb; i++) for (int a = 0; a < k; a++) { dg[blocks[i][a]]++; for (int c = a + 1; c < k; c++) { pc[blocks[i][a]][blocks[i][c]]++; pc[blocks[i][c]][blocks[i][a]]++; } }
  int bad = nb != b; for (int i = 0; i < v; i++) { if (dg[i] != r) bad = 1; for (int j = 0; j < v; j++) if (i != j && (pc[i][j] < lo || pc[i][j] > lo + 1)) bad = 1; }
  printf("SOLUTION %s verified=%s\n", argv[1], bad ? "NO" : "yes");
  printf("base:"); for (int i = 0; i < nchosen; i++) { printf(" {"); for (int j = 0; j < k; j++) printf("%d%s", orep[chosen[i] * k + j], j < k - 1 ? "," : ""); printf("}"); } printf("\n");
  for (int i = 0; i < nb; i++) { for (int j = 0; j < k; j++) printf("%d%s", blocks[i][j], j < k - 1 ? " " : "\n"); }
  return bad;
}
