/*
 * near-dlx.c - exact cover (Algorithm X, bitset rows, most-constrained item first) for the
 * prescribed-leave packing problems written by `near-sat.py GROUP OUT.xc --leave ...`.
 * Build: gcc -O2 -o /tmp/near-dlx scripts/near-dlx.c
 * Run:   /tmp/near-dlx OUT.xc > OUT.sol     (prints "v <option ids>" = near-sat variables, or EXHAUSTED)
 *        then near-sat.py GROUP X.cnf --leave ... --decode OUT.sol verifies and prints the blocks.
 * Results (Nov 2026): pentagon-leave (35,5,8) under Z_7 (near-pent.py z7): EXHAUSTED, 22.1M nodes,
 * 134 s; under Z_5 (near-pent.py z5 1 1 / 1 2): timed out at 300 s each; AGL15 own-leave check: 15 nodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#define W 4
typedef struct { uint64_t m[W]; int id; } Opt;
static int ni, no; static Opt *op; static int sol[64]; static long long nodes;
static int disj(const uint64_t *a, const uint64_t *b) { for (int i = 0; i < W; i++) if (a[i] & b[i]) return 0; return 1; }
static int rec(int *list, int n, uint64_t *cov, int d) {
  nodes++;
  int best = -1, bc = 1 << 30;
  for (int it = 0; it < ni; it++) {
    if (cov[it >> 6] >> (it & 63) & 1) continue;
    int c = 0;
    for (int j = 0; j < n; j++) if (op[list[j]].m[it >> 6] >> (it & 63) & 1) c++;
    if (c < bc) { bc = c; best = it; if (!c) break; }
  }
  if (best < 0) { printf("v"); for (int i = 0; i < d; i++) printf(" %d", sol[i]); printf("\n"); return 1; }
  if (!bc) return 0;
  int *nl = malloc(sizeof(int) * (n + 1));
  for (int j = 0; j < n; j++) {
    Opt *o = &op[list[j]];
    if (!(o->m[best >> 6] >> (best & 63) & 1)) continue;
    uint64_t nc[W]; for (int i = 0; i < W; i++) nc[i] = cov[i] | o->m[i];
    int m = 0;
    for (int t = 0; t < n; t++) if (disj(op[list[t]].m, nc)) nl[m++] = list[t];
    sol[d] = o->id;
    if (rec(nl, m, nc, d + 1)) { free(nl); return 1; }
  }
  free(nl); return 0;
}
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "r"); if (fscanf(f, "%d %d", &ni, &no) != 2) return 1;
  if (ni > 64 * W) { fprintf(stderr, "too many items\n"); return 1; }
  op = calloc(no, sizeof(Opt));
  int *list = malloc(sizeof(int) * no);
  char line[4096]; fgets(line, sizeof line, f);
  for (int j = 0; j < no; j++) {
    if (!fgets(line, sizeof line, f)) return 1;
    char *p = line, *e; op[j].id = strtol(p, &e, 10); p = e;
    for (;;) { long x = strtol(p, &e, 10); if (e == p) break; op[j].m[x >> 6] |= 1ULL << (x & 63); p = e; }
    list[j] = j;
  }
  uint64_t cov[W] = {0};
  int ok = rec(list, no, cov, 0);
  if (!ok) printf("EXHAUSTED\n");
  fprintf(stderr, "%s nodes %lld\n", ok ? "SOLVED" : "EXHAUSTED", nodes);
  return 0;
}
