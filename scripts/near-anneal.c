/*
 * near-anneal.c - block-level simulated annealing for near designs (no group assumed).
 * Nurmela-Ostergard style moves: pick a random bad pair {a,b}; if it is covered fewer than lo
 * times, replace a random other point of a random block through a by b; if more than lo+1 times,
 * replace a or b in a random block through both by a random point. Cost = sum over pairs of the
 * distance of the pair count from [lo, lo+1]. With b = v*r/k blocks, cost 0 forces every point
 * into exactly r blocks for all the targets of issue #4 (see header of near-search.c).
 *
 * Build: gcc -O2 -o /tmp/near-anneal scripts/near-anneal.c
 * Run:   /tmp/near-anneal v k r SEED MOVES_PER_RUN RUNS [T0] [COOL]
 * Output: "SOLUTION ..." and the blocks, or the best cost per run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define MAXV 64
#define MAXB 400
static int v, k, r, b, lo;
static int blk[MAXB][8];
static int cnt[MAXV][MAXV];
static int badidx[MAXV][MAXV];
static int bad[MAXV * MAXV][2], nbad;
static uint64_t s = 0x9E3779B97F4A7C15ULL;
static inline uint64_t xr(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static inline double ur(void) { return (xr() >> 11) * (1.0 / 9007199254740992.0); }
static inline int pen(int c) { return c < lo ? lo - c : (c > lo + 1 ? c - lo - 1 : 0); }
static void setbad(int x, int y) {
  if (x > y) { int t = x; x = y; y = t; }
  int isbad = pen(cnt[x][y]) > 0;
  if (isbad && badidx[x][y] < 0) { badidx[x][y] = nbad; bad[nbad][0] = x; bad[nbad][1] = y; nbad++; }
  else if (!isbad && badidx[x][y] >= 0) {
    int i = badidx[x][y]; nbad--; bad[i][0] = bad[nbad][0]; bad[i][1] = bad[nbad][1];
    badidx[bad[i][0]][bad[i][1]] = i; badidx[x][y] = -1;
  }
}
static void addpt(int B, int p, int sgn) {
  for (int i = 0; i < k; i++) { int q = blk[B][i]; if (q == p || q < 0) continue; cnt[p][q] += sgn; cnt[q][p] += sgn; setbad(p, q); }
}
/* delta of replacing point at position pos of block B by point np */
static int delta(int B, int pos, int np) {
  int op = blk[B][pos], d = 0;
  for (int i = 0; i < k; i++) { if (i == pos) continue; int q = blk[B][i];
    d += pen(cnt[op][q] - 1) - pen(cnt[op][q]);
    d += pen(cnt[np][q] + 1) - pen(cnt[np][q]); }
  return d;
}
static int inblk(int B, int p) { for (int i = 0; i < k; i++) if (blk[B][i] == p) return 1; return 0; }
static void replace(int B, int pos, int np) {
  int op = blk[B][pos];
  for (int i = 0; i < k; i++) { if (i == pos) continue; int q = blk[B][i];
    cnt[op][q]--; cnt[q][op]--; setbad(op, q); cnt[np][q]++; cnt[q][np]++; setbad(np, q); }
  blk[B][pos] = np;
}
int main(int argc, char **argv) {
  if (argc < 7) { fprintf(stderr, "usage: near-anneal v k r SEED MOVES RUNS [T0] [COOL]\n"); return 2; }
  v = atoi(argv[1]); k = atoi(argv[2]); r = atoi(argv[3]);
  s ^= (uint64_t)atoll(argv[4]) * 0xBF58476D1CE4E5B9ULL; for (int i = 0; i < 20; i++) xr();
  long long moves = atoll(argv[5]); int runs = atoi(argv[6]);
  double T0 = argc > 7 ? atof(argv[7]) : 1.0, cool = argc > 8 ? atof(argv[8]) : 0.0;
  b = v * r / k; lo = (int)((long long)b * k * (k - 1) / 2 / ((long long)v * (v - 1) / 2));
  if (cool == 0.0) cool = pow(0.02 / T0, 1.0 / (double)moves);
  for (int run = 0; run < runs; run++) {
    memset(cnt, 0, sizeof cnt); nbad = 0;
    for (int x = 0; x < v; x++) for (int y = 0; y < v; y++) badidx[x][y] = -1;
    /* start: each point r times, blocks filled round-robin from a shuffled multiset */
    int pool[MAXB * 8], np = 0; for (int p = 0; p < v; p++) for (int j = 0; j < r; j++) pool[np++] = p;
    for (int i = np - 1; i > 0; i--) { int j = xr() % (i + 1); int t = pool[i]; pool[i] = pool[j]; pool[j] = t; }
    for (int B = 0; B < b; B++) for (int i = 0; i < k; i++) blk[B][i] = -1;
    for (int B = 0; B < b; B++) for (int i = 0; i < k; i++) {
      int p = pool[B * k + i]; if (inblk(B, p)) { int q; do q = xr() % v; while (inblk(B, q)); p = q; }
      blk[B][i] = p; }
    for (int x = 0; x < v; x++) for (int y = x + 1; y < v; y++) setbad(x, y);
    for (int B = 0; B < b; B++) for (int i = 0; i < k; i++) for (int j = i + 1; j < k; j++) {
      int x = blk[B][i], y = blk[B][j]; cnt[x][y]++; cnt[y][x]++; setbad(x, y); }
    int cost = 0; for (int x = 0; x < v; x++) for (int y = x + 1; y < v; y++) cost += pen(cnt[x][y]);
    int best = cost; double T = T0;
    for (long long m = 0; m < moves && cost > 0; m++) {
      int bi = xr() % nbad; int a = bad[bi][0], c = bad[bi][1];
      if (xr() & 1) { int t = a; a = c; c = t; }
      int B, pos, np2;
      if (cnt[a][c] < lo) {
        int cand[MAXB], nc = 0; for (int B2 = 0; B2 < b; B2++) if (inblk(B2, a) && !inblk(B2, c)) cand[nc++] = B2;
        if (!nc) continue;
        B = cand[xr() % nc]; do pos = xr() % k; while (blk[B][pos] == a); np2 = c;
      } else {
        int cand[MAXB], nc = 0; for (int B2 = 0; B2 < b; B2++) if (inblk(B2, a) && inblk(B2, c)) cand[nc++] = B2;
        if (!nc) continue;
        B = cand[xr() % nc]; pos = 0; while (blk[B][pos] != a) pos++;
        do np2 = xr() % v; while (inblk(B, np2));
      }
      int d = delta(B, pos, np2);
      if (d <= 0 || ur() < exp(-d / T)) { replace(B, pos, np2); cost += d; if (cost < best) best = cost; }
      T *= cool;
    }
    fprintf(stderr, "run %d best %d final %d\n", run, best, cost);
    if (cost == 0) {
      int dg[MAXV] = {0}; for (int B = 0; B < b; B++) for (int i = 0; i < k; i++) dg[blk[B][i]]++;
      int ok = 1; for (int p = 0; p < v; p++) if (dg[p] != r) ok = 0;
      for (int x = 0; x < v; x++) for (int y = x + 1; y < v; y++) if (pen(cnt[x][y])) ok = 0;
      printf("SOLUTION v=%d k=%d r=%d seed=%s run=%d verified=%s\n", v, k, r, argv[4], run, ok ? "yes" : "NO");
      for (int B = 0; B < b; B++) { for (int i = 0; i < k; i++) printf("%d%s", blk[B][i], i < k - 1 ? " " : "\n"); }
      if (ok) return 0;
    }
  }
  printf("NOTFOUND\n");
  return 1;
}
