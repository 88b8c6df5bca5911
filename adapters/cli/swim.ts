import type { Register } from './common';

/** Placeholder until this subcommand's issue lands; it registers nothing. */
export const register: Register = () => {};
