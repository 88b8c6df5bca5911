/** chainrep public API: one explicit export list. */
export { seedPrng, nextU32, nextBelow, nextFloat, shuffled, Rng } from './core/prng';
export type { PrngState } from './core/prng';
export type { StepResult } from './core/types';
export { InvariantViolation } from './core/types';
export { NodeId, TargetId, ChainId, ChunkId, ClientId } from './spec/ids';
export { decodeWith } from './spec/decode';
export type { DecodeError } from './spec/decode';
