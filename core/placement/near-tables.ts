/**
 * Near tables (spread 1) found by offline searches, as explicit blocks on nodes 0..v-1.
 * The generator re-validates an entry (structure and spread) before using it
 * (core/placement/prebuilt.ts), so a bad entry falls through to the search.
 */
export const SEARCHED_NEAR_TABLES: readonly { v: number; k: number; r: number; blocks: readonly (readonly number[])[]; source: string }[] = [];
