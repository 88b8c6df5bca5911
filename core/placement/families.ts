/**
 * Difference families found by the offline search (scripts/find-families.ts, seeded and
 * deterministic; core/placement/familysearch.ts) for every 2-(v,k,lambda) design on the
 * grid v <= 40, k <= 5 that is the smallest admissible lambda for its (v, k) (larger
 * lambdas are unions) and that no algebraic construction in designs.ts builds: 2-(15,5,4)
 * and 2-(15,5,6) stand in for the non-existent 2-(15,5,2). Point encoding as in
 * `DifferenceFamily`: comp * |G| + g, -1 = inf. A short orbit (a block fixed by a
 * subgroup) develops into |G|/|H| blocks; a short block listed twice is used twice.
 *
 * The table is data, not trusted: test/core/placement/designs.test.ts develops every entry
 * and checks that every pair lies in exactly lambda blocks.
 */
import type { DifferenceFamily } from './designs';

export const SEARCHED_FAMILIES: readonly DifferenceFamily[] = [
  { v: 8, k: 4, lambda: 3, infinity: true, baseBlocks: [[0,2,5,6],[-1,0,1,3]], source: 'search over Z_7 + inf' },
  { v: 9, k: 4, lambda: 3, baseBlocks: [[0,4,5,7],[0,1,3,4]], source: 'search over Z_9' },
  { v: 9, k: 5, lambda: 5, baseBlocks: [[0,1,2,3,7],[0,1,4,5,7]], source: 'search over Z_9' },
  { v: 10, k: 3, lambda: 2, infinity: true, baseBlocks: [[0,5,7],[0,1,6],[0,3,6],[-1,0,1]], source: 'search over Z_9 + inf' },
  { v: 10, k: 4, lambda: 2, group: [5], components: 2, baseBlocks: [[0,6,8,9],[0,1,2,7],[0,3,7,8]], source: 'search over 2 x Z_5' },
  { v: 10, k: 5, lambda: 4, infinity: true, baseBlocks: [[0,1,3,4,5],[-1,0,1,3,7]], source: 'search over Z_9 + inf' },
  { v: 11, k: 3, lambda: 3, baseBlocks: [[0,5,7],[0,1,5],[0,2,5],[0,1,3],[0,7,8]], source: 'search over Z_11' },
  { v: 11, k: 4, lambda: 6, baseBlocks: [[0,4,5,7],[0,1,3,8],[0,1,2,8],[0,2,4,10],[0,3,4,9]], source: 'search over Z_11' },
  { v: 12, k: 3, lambda: 2, baseBlocks: [[0,5,11],[0,2,9],[0,2,3],[0,4,8],[0,4,8]], source: 'search over Z_12' },
  { v: 12, k: 4, lambda: 3, baseBlocks: [[0,4,5,7],[0,3,4,5],[0,3,6,9],[0,2,6,8]], source: 'search over Z_12' },
  { v: 13, k: 5, lambda: 5, baseBlocks: [[0,1,2,5,8],[0,1,2,5,11],[0,3,5,7,12]], source: 'search over Z_13' },
  { v: 14, k: 4, lambda: 6, baseBlocks: [[0,3,4,8],[0,7,11,13],[0,1,3,12],[0,4,6,9],[0,4,5,6],[0,2,8,9],[0,3,7,10]], source: 'search over Z_14' },
  { v: 15, k: 4, lambda: 6, baseBlocks: [[0,4,11,14],[0,1,6,7],[0,7,9,12],[0,3,5,9],[0,3,10,14],[0,2,8,10],[0,1,2,4]], source: 'search over Z_15' },
  { v: 15, k: 5, lambda: 4, infinity: true, baseBlocks: [[0,2,5,6,8],[0,1,3,8,10],[-1,0,1,4,5]], source: 'search over Z_14 + inf' },
  { v: 15, k: 5, lambda: 6, baseBlocks: [[0,1,2,7,12],[0,1,4,7,14],[0,2,3,9,13],[0,1,4,6,8],[0,3,6,9,12]], source: 'search over Z_15' },
  { v: 16, k: 3, lambda: 2, baseBlocks: [[0,7,11],[0,10,12],[0,5,8],[0,6,7],[0,1,3]], source: 'search over Z_16' },
  { v: 16, k: 5, lambda: 4, baseBlocks: [[0,1,3,5,7],[0,4,5,13,14],[0,3,6,11,12]], source: 'search over Z_16' },
  { v: 17, k: 3, lambda: 3, baseBlocks: [[0,3,5],[0,6,8],[0,5,8],[0,1,2],[0,3,13],[0,1,7],[0,8,13],[0,6,13]], source: 'search over Z_17' },
  { v: 17, k: 4, lambda: 3, baseBlocks: [[0,6,8,9],[0,10,14,15],[0,5,6,10],[0,2,6,9]], source: 'search over Z_17' },
  { v: 17, k: 5, lambda: 5, baseBlocks: [[0,1,3,10,15],[0,3,9,10,14],[0,1,2,4,13],[0,2,8,9,13]], source: 'search over Z_17' },
  { v: 18, k: 3, lambda: 2, infinity: true, baseBlocks: [[0,8,13],[0,1,3],[0,6,13],[0,8,10],[0,1,6],[-1,0,3]], source: 'search over Z_17 + inf' },
  { v: 18, k: 4, lambda: 6, baseBlocks: [[0,4,7,11],[0,2,4,6],[0,1,8,9],[0,1,2,6],[0,3,10,13],[0,2,12,17],[0,2,7,12],[0,9,14,15],[0,6,9,15]], source: 'search over Z_18' },
  { v: 19, k: 4, lambda: 2, baseBlocks: [[0,4,6,9],[0,4,5,12],[0,6,8,9]], source: 'search over Z_19' },
  { v: 20, k: 4, lambda: 3, baseBlocks: [[0,13,15,17],[0,1,9,12],[0,1,13,14],[0,3,5,9],[0,5,10,15],[0,6,10,16]], source: 'search over Z_20' },
  { v: 20, k: 5, lambda: 4, infinity: true, baseBlocks: [[0,3,11,12,16],[0,2,6,9,11],[0,4,10,17,18],[-1,0,4,5,7]], source: 'search over Z_19 + inf' },
  { v: 21, k: 4, lambda: 3, baseBlocks: [[0,8,10,13],[0,7,9,10],[0,5,9,11],[0,4,7,8],[0,9,15,16]], source: 'search over Z_21' },
  { v: 22, k: 3, lambda: 2, infinity: true, baseBlocks: [[0,2,11],[0,3,9],[0,3,4],[0,14,19],[0,8,13],[0,6,10],[0,7,14],[-1,0,1]], source: 'search over Z_21 + inf' },
  { v: 22, k: 4, lambda: 2, baseBlocks: [[0,7,14,16],[0,2,5,6],[0,5,9,19],[0,1,11,12]], source: 'search over Z_22' },
  { v: 23, k: 3, lambda: 3, baseBlocks: [[0,2,17],[0,6,10],[0,1,11],[0,5,7],[0,5,9],[0,1,19],[0,3,6],[0,14,15],[0,11,13],[0,9,16],[0,12,15]], source: 'search over Z_23' },
  { v: 23, k: 4, lambda: 6, baseBlocks: [[0,3,13,15],[0,1,7,19],[0,5,6,14],[0,6,15,18],[0,7,8,12],[0,2,5,14],[0,10,17,18],[0,3,10,16],[0,3,12,16],[0,2,3,4],[0,2,4,8]], source: 'search over Z_23' },
  { v: 24, k: 3, lambda: 2, baseBlocks: [[0,13,15],[0,6,10],[0,7,10],[0,1,13],[0,5,7],[0,4,5],[0,6,21],[0,8,16],[0,8,16]], source: 'search over Z_24' },
  { v: 24, k: 4, lambda: 3, baseBlocks: [[0,3,13,19],[0,3,16,17],[0,13,15,17],[0,5,14,23],[0,2,3,7],[0,6,12,18],[0,8,12,20]], source: 'search over Z_24' },
  { v: 25, k: 4, lambda: 1, group: [5,5], baseBlocks: [[0,3,9,23],[0,4,14,17]], source: 'search over Z_5xZ_5' },
  { v: 26, k: 4, lambda: 6, baseBlocks: [[0,6,10,18],[0,11,18,23],[0,1,3,14],[0,9,10,17],[0,2,3,6],[0,7,17,19],[0,6,11,16],[0,3,5,7],[0,11,13,17],[0,4,5,10],[0,4,11,12],[0,3,11,20],[0,1,13,14]], source: 'search over Z_26' },
  { v: 26, k: 5, lambda: 4, baseBlocks: [[0,6,18,23,24],[0,4,13,14,16],[0,5,9,11,16],[0,6,7,17,19],[0,3,4,8,11]], source: 'search over Z_26' },
  { v: 27, k: 4, lambda: 6, baseBlocks: [[0,9,11,13],[0,19,23,24],[0,10,11,16],[0,5,7,8],[0,1,5,8],[0,3,14,18],[0,2,16,22],[0,10,17,18],[0,5,17,19],[0,4,7,13],[0,9,15,21],[0,9,19,20],[0,3,15,17]], source: 'search over Z_27' },
  { v: 28, k: 3, lambda: 2, baseBlocks: [[0,2,4],[0,4,23],[0,12,13],[0,8,14],[0,7,10],[0,5,16],[0,21,27],[0,3,18],[0,8,19]], source: 'search over Z_28' },
  { v: 29, k: 3, lambda: 3, baseBlocks: [[0,9,11],[0,3,22],[0,8,13],[0,16,18],[0,20,21],[0,3,7],[0,11,12],[0,12,26],[0,12,16],[0,10,15],[0,5,20],[0,22,23],[0,4,10],[0,21,23]], source: 'search over Z_29' },
  { v: 29, k: 4, lambda: 3, baseBlocks: [[0,1,2,5],[0,6,12,22],[0,3,10,25],[0,1,9,20],[0,11,13,24],[0,12,21,26],[0,2,6,14]], source: 'search over Z_29' },
  { v: 29, k: 5, lambda: 5, baseBlocks: [[0,1,4,13,21],[0,11,12,19,26],[0,3,5,7,9],[0,4,10,17,18],[0,3,5,15,21],[0,3,9,14,16],[0,5,9,10,28]], source: 'search over Z_29' },
  { v: 30, k: 3, lambda: 2, infinity: true, baseBlocks: [[0,15,17],[0,2,5],[0,4,14],[0,13,24],[0,1,22],[0,6,12],[0,8,11],[0,9,10],[0,13,20],[-1,0,25]], source: 'search over Z_29 + inf' },
  { v: 30, k: 4, lambda: 6, baseBlocks: [[0,6,9,13],[0,5,7,17],[0,12,13,20],[0,12,15,22],[0,5,6,11],[0,10,14,26],[0,3,9,14],[0,10,19,22],[0,1,2,5],[0,2,21,25],[0,2,3,20],[0,1,14,23],[0,6,8,22],[0,6,19,21],[0,4,15,19]], source: 'search over Z_30' },
  { v: 30, k: 5, lambda: 4, infinity: true, baseBlocks: [[0,17,23,24,25],[0,2,9,15,19],[0,3,8,15,18],[0,2,15,23,26],[0,9,16,27,28],[-1,0,4,9,13]], source: 'search over Z_29 + inf' },
  { v: 31, k: 4, lambda: 2, baseBlocks: [[0,19,20,23],[0,5,14,15],[0,5,7,18],[0,6,21,28],[0,2,6,14]], source: 'search over Z_31' },
  { v: 31, k: 5, lambda: 2, baseBlocks: [[0,1,3,20,25],[0,13,16,20,21],[0,10,12,18,27]], source: 'search over Z_31' },
  { v: 32, k: 4, lambda: 3, baseBlocks: [[0,2,11,21],[0,4,7,11],[0,8,18,23],[0,1,15,30],[0,6,8,20],[0,4,9,10],[0,1,6,13],[0,8,16,24],[0,13,16,29]], source: 'search over Z_32' },
  { v: 33, k: 4, lambda: 3, baseBlocks: [[0,5,13,14],[0,21,27,28],[0,17,19,23],[0,3,15,16],[0,8,10,13],[0,2,18,26],[0,4,11,15],[0,10,19,22]], source: 'search over Z_33' },
  { v: 33, k: 5, lambda: 5, baseBlocks: [[0,3,23,24,31],[0,8,11,12,21],[0,7,14,21,27],[0,12,14,16,19],[0,10,11,14,15],[0,2,11,17,20],[0,2,8,17,25],[0,5,11,15,16]], source: 'search over Z_33' },
  { v: 34, k: 3, lambda: 2, infinity: true, baseBlocks: [[0,6,24],[0,12,19],[0,4,5],[0,3,16],[0,4,23],[0,2,8],[0,8,28],[0,17,18],[0,10,22],[0,2,9],[0,11,22],[-1,0,3]], source: 'search over Z_33 + inf' },
  { v: 34, k: 4, lambda: 2, baseBlocks: [[0,12,13,16],[0,9,19,24],[0,7,9,20],[0,4,5,7],[0,8,16,28],[0,6,17,23]], source: 'search over Z_34' },
  { v: 35, k: 3, lambda: 3, baseBlocks: [[0,16,25],[0,15,17],[0,5,18],[0,4,23],[0,21,27],[0,2,7],[0,4,15],[0,3,26],[0,2,16],[0,1,11],[0,11,17],[0,20,27],[0,7,8],[0,21,22],[0,4,9],[0,10,23],[0,3,6]], source: 'search over Z_35' },
  { v: 35, k: 4, lambda: 6, baseBlocks: [[0,13,15,23],[0,3,4,6],[0,11,25,28],[0,6,9,14],[0,2,9,10],[0,1,7,12],[0,1,8,12],[0,4,22,24],[0,10,25,29],[0,1,17,21],[0,12,21,30],[0,2,19,32],[0,6,11,27],[0,10,24,33],[0,3,18,22],[0,22,23,30],[0,6,19,26]], source: 'search over Z_35' },
  { v: 35, k: 5, lambda: 2, baseBlocks: [[0,4,16,22,27],[0,15,16,18,26],[0,2,5,6,15],[0,7,14,21,28],[0,7,14,21,28]], source: 'search over Z_35' },
  { v: 36, k: 3, lambda: 2, baseBlocks: [[0,4,7],[0,5,8],[0,2,23],[0,27,29],[0,26,27],[0,6,19],[0,14,18],[0,22,28],[0,11,31],[0,15,25],[0,1,20],[0,12,24],[0,12,24]], source: 'search over Z_36' },
  { v: 36, k: 4, lambda: 3, baseBlocks: [[0,4,24,29],[0,3,9,17],[0,10,12,13],[0,2,7,22],[0,13,19,29],[0,9,13,21],[0,11,15,25],[0,1,3,31],[0,9,18,27],[0,1,18,19]], source: 'search over Z_36' },
  { v: 36, k: 5, lambda: 4, baseBlocks: [[0,7,9,10,28],[0,4,10,14,34],[0,13,24,29,32],[0,6,15,28,29],[0,5,16,17,22],[0,8,10,11,15],[0,2,11,20,23]], source: 'search over Z_36' },
  { v: 37, k: 5, lambda: 5, baseBlocks: [[0,3,5,12,24],[0,3,4,7,20],[0,4,20,28,35],[0,4,12,22,30],[0,2,5,11,25],[0,1,6,11,20],[0,22,27,28,29],[0,4,6,19,27],[0,10,11,23,26]], source: 'search over Z_37' },
  { v: 38, k: 4, lambda: 6, baseBlocks: [[0,2,5,29],[0,2,5,7],[0,4,15,22],[0,9,11,23],[0,13,21,25],[0,1,19,29],[0,16,21,27],[0,1,20,21],[0,1,4,25],[0,1,7,22],[0,6,9,14],[0,13,16,28],[0,1,6,10],[0,13,16,24],[0,4,6,16],[0,2,23,31],[0,7,20,30],[0,20,24,32],[0,7,19,26]], source: 'search over Z_38' },
  { v: 39, k: 4, lambda: 6, baseBlocks: [[0,7,21,25],[0,4,14,15],[0,22,25,33],[0,5,17,34],[0,4,16,19],[0,3,29,31],[0,21,22,30],[0,2,21,27],[0,6,19,24],[0,16,17,22],[0,3,5,32],[0,2,9,18],[0,3,9,10],[0,8,12,24],[0,2,4,15],[0,4,7,20],[0,9,28,29],[0,25,26,33],[0,11,16,24]], source: 'search over Z_39' },
  { v: 40, k: 3, lambda: 2, baseBlocks: [[0,8,34],[0,15,31],[0,4,5],[0,21,36],[0,3,31],[0,22,23],[0,7,29],[0,10,24],[0,13,19],[0,2,13],[0,20,23],[0,5,12],[0,8,10]], source: 'search over Z_40' },
  { v: 40, k: 5, lambda: 4, infinity: true, baseBlocks: [[0,3,6,14,18],[0,1,2,10,17],[0,12,25,34,38],[0,1,8,20,23],[0,4,19,25,37],[0,2,11,18,28],[0,6,11,16,20],[-1,0,3,32,34]], source: 'search over Z_39 + inf' },
];
