/**
 * Planted protocol bugs: each is a small deviation in the real code path, guarded by a
 * flag in the machine's config (never a copy of the machine). The model checker must find
 * every one (test/core/check/mutants.test.ts); proofs-notes/invariants.md maps each to the
 * invariant it breaks.
 */
export const CRAQ_MUTANTS = {
  tailAckBeforeCommit: 'the tail acks a forwarded update without committing it',
  commitWithoutAck: 'a replica commits its pending version when it forwards, without its successor\'s ack',
  headRepliesBeforeCommit: 'the head replies success to the client as soon as it forwards',
  ackWithoutCommit: 'a middle replica passes the ack upstream without committing locally',
  staleAckedWithoutForward: 'a successor acks a stale (already pending) update at once instead of forwarding it on',
  readServesPendingAsCommitted: 'a read of a dirty chunk returns the pending version as committed',
  craqServesStaleCommitted: 'craq policy: a dirty replica serves its own committed version without asking the tail',
  versionQueryToHead: 'craq policy: the version query goes to the head (a non-tail answers it)',
  dedupeIgnoresChannel: 'the retry cache is keyed by (client, chain) and ignores the channel',
  dedupeIgnoresSeq: 'the retry cache returns the cached result for a newer sequence number',
  versionReplyIgnored: 'craq policy: a dirty replica serves its pending version whatever version the tail reports',
  lockReleasedBeforeCommit: 'the chunk lock is released when the update is forwarded, not when it commits',
  clientNoRequestTimeout: 'the client arms no timeout for a request it sent (a lost request or reply is waited for forever)',
} as const;
export type CraqMutant = keyof typeof CRAQ_MUTANTS;
export const CRAQ_MUTANT_NAMES = Object.keys(CRAQ_MUTANTS) as CraqMutant[];
