/**
 * A binary min-heap of events keyed by (time, insertion order): equal times pop in FIFO
 * order, so a simulation is a function of its seed alone. Keys live in typed arrays and
 * payloads in one array, so pushing and popping allocate nothing once the heap has grown.
 */
export class EventHeap<T> {
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private items: (T | undefined)[] = new Array(1024);
  private n = 0;
  private nextSeq = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.times[0];
  }

  push(time: number, item: T): void {
    if (this.n === this.times.length) this.grow();
    const seq = this.nextSeq++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.times[p];
      if (pt < time || (pt === time && this.seqs[p] < seq)) break;
      this.times[i] = pt;
      this.seqs[i] = this.seqs[p];
      this.items[i] = this.items[p];
      i = p;
    }
    this.times[i] = time;
    this.seqs[i] = seq;
    this.items[i] = item;
  }

  /** Remove and return the earliest event; `lastTime` is set to its time. */
  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const top = this.items[0];
    this.lastTime = this.times[0];
    const n = --this.n;
    if (n > 0) {
      const t = this.times[n];
      const s = this.seqs[n];
      const it = this.items[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (this.times[c + 1] < this.times[c] || (this.times[c + 1] === this.times[c] && this.seqs[c + 1] < this.seqs[c]))) c++;
        if (t < this.times[c] || (t === this.times[c] && s < this.seqs[c])) break;
        this.times[i] = this.times[c];
        this.seqs[i] = this.seqs[c];
        this.items[i] = this.items[c];
        i = c;
      }
      this.times[i] = t;
      this.seqs[i] = s;
      this.items[i] = it;
    }
    this.items[n] = undefined;
    return top;
  }

  lastTime = 0;

  private grow(): void {
    const m = this.times.length * 2;
    const t = new Float64Array(m);
    t.set(this.times);
    const s = new Float64Array(m);
    s.set(this.seqs);
    this.times = t;
    this.seqs = s;
    this.items.length = m;
  }
}
