/**
 * Time for the runtime drivers: a monotonic integer millisecond clock (core/ takes time
 * as an input; this is where it comes from), and the timers behind `scheduleTick`
 * effects: one setTimeout per scheduled tick time (never setInterval; a second request
 * for a time that already has a timer is merged), all cleared on close.
 */
import { performance } from 'node:perf_hooks';

/** Monotonic milliseconds since this process started (non-negative integer). */
export function nowMs(): number {
  return Math.floor(performance.now());
}

export class TickTimers {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly fire: (nowMs: number) => void) {}

  /** Run `fire(now)` at `atMs` (clock above); merged with a timer already set for that time. */
  schedule(atMs: number): void {
    if (this.closed || this.timers.has(atMs)) return;
    const delay = Math.max(0, atMs - nowMs());
    const t = setTimeout(() => {
      this.timers.delete(atMs);
      if (!this.closed) this.fire(Math.max(atMs, nowMs()));
    }, delay);
    this.timers.set(atMs, t);
  }

  get size(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
