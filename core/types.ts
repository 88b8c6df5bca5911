/** The shape every machine in core/ returns: the next state and the effects to execute. */
export type StepResult<S, E> = readonly [next: S, effects: readonly E[]];

/** Raised only for a broken invariant (a bug), never for bad input. */
export class InvariantViolation extends Error {
  constructor(readonly invariant: string, detail: string) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

export function invariant(cond: boolean, id: string, detail: () => string): asserts cond {
  if (!cond) throw new InvariantViolation(id, detail());
}
