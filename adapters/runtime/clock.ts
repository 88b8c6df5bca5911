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

  /**
   * `single`: keep one pending timer, the earliest (a periodic ticker that may also be
   * ticked out of turn, like the manager before a heartbeat, must not grow a second chain).
   */
  constructor(
    private readonly fire: (nowMs: number) => void,
    private readonly single = false,
  ) {}

  /** Run `fire(now)` at `atMs` (clock above); merged with a timer already set for that time. */
  schedule(atMs: number): void {
    if (this.closed || this.timers.has(atMs)) return;
    if (this.single) {
      for (const [at, t] of this.timers) {
        if (at <= atMs) return;
        clearTimeout(t);
        this.timers.delete(at);
      }
    }
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
