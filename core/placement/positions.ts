/**
 * Position balance (pure): order each chain so that every node holds every position
 * (head .. tail) floor(r/k) or ceil(r/k) times. In CRAQ the head serialises writes and
 * the tail answers version queries (ANCHORS.md "CRAQ paper"), so head and tail load
 * follow these counts.
 *
 * Method: an equitable edge colouring of the node/chain incidence graph (de Werra). Split
 * each node's r incidences (in chain order) into chunks of k; the chunk/chain graph is
 * bipartite with maximum degree k, so it has a proper k-edge-colouring (Konig), found with
 * alternating-path (Kempe chain) recolouring. Colour = position. A chain has k edges of
 * distinct colours (a permutation); a node's full chunks hold each colour once and its
 * last chunk at most once, hence floor(r/k) or ceil(r/k). proofs-notes/placement-positions.md.
 */

/** Per node, how often it holds each position: counts[x*k + p]. */
export function positionCounts(v: number, k: number, chains: Int32Array): Int32Array {
  const counts = new Int32Array(v * k);
  for (let s = 0; s < chains.length; s++) counts[chains[s] * k + (s % k)]++;
  return counts;
}

/** True when every node holds every position floor(r/k) or ceil(r/k) times. */
export function positionsBalanced(v: number, k: number, r: number, chains: Int32Array): boolean {
  const counts = positionCounts(v, k, chains);
  const lo = Math.floor(r / k);
  const hi = Math.ceil(r / k);
  for (let i = 0; i < counts.length; i++) if (counts[i] < lo || counts[i] > hi) return false;
  return true;
}

/**
 * Reorder chains (in place on a copy) so positions are balanced; chain membership is
 * unchanged. Already-balanced tables are returned unchanged (same order).
 */
export function balancePositions(v: number, k: number, r: number, chains: Int32Array): Int32Array {
  if (positionsBalanced(v, k, r, chains)) return Int32Array.from(chains);
  const E = chains.length;
  const b = E / k;
  // left vertices: chunks of k incidences per node, in slot order
  const seen = new Int32Array(v);
  const chunkBase = new Int32Array(v);
  const chunksPerNode = Math.ceil(r / k);
  for (let x = 0; x < v; x++) chunkBase[x] = x * chunksPerNode;
  const left = new Int32Array(E); // left vertex of edge (slot) s
  for (let s = 0; s < E; s++) {
    const x = chains[s];
    left[s] = chunkBase[x] + Math.floor(seen[x]++ / k);
  }
  const L = v * chunksPerNode;
  const atLeft = new Int32Array(L * k).fill(-1); // edge of colour c at left vertex u
  const atRight = new Int32Array(b * k).fill(-1); // edge of colour c at chain w
  const colour = new Int32Array(E).fill(-1);
  const rightOf = (s: number) => (s / k) | 0;
  const path: number[] = [];
  for (let s = 0; s < E; s++) {
    const u = left[s];
    const w = rightOf(s);
    let a = 0;
    while (atLeft[u * k + a] >= 0) a++;
    let c = 0;
    while (atRight[w * k + c] >= 0) c++;
    if (atRight[w * k + a] >= 0) {
      // flip the a/c alternating path that starts at w with its a-edge
      path.length = 0;
      let onRight = true;
      let vert = w;
      let col = a;
      for (;;) {
        const e = onRight ? atRight[vert * k + col] : atLeft[vert * k + col];
        if (e < 0) break;
        path.push(e);
        vert = onRight ? left[e] : rightOf(e);
        onRight = !onRight;
        col = col === a ? c : a;
      }
      for (const e of path) {
        atLeft[left[e] * k + colour[e]] = -1;
        atRight[rightOf(e) * k + colour[e]] = -1;
      }
      for (const e of path) {
        colour[e] = colour[e] === a ? c : a;
        atLeft[left[e] * k + colour[e]] = e;
        atRight[rightOf(e) * k + colour[e]] = e;
      }
    }
    colour[s] = a;
    atLeft[u * k + a] = s;
    atRight[w * k + a] = s;
  }
  const out = new Int32Array(E);
  for (let s = 0; s < E; s++) out[rightOf(s) * k + colour[s]] = chains[s];
  return out;
}
