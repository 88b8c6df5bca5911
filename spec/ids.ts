import * as t from 'io-ts';

/** Branded identifiers. Nodes, targets and chains are non-negative integers; chunks are strings. */
export interface NodeIdBrand { readonly NodeId: unique symbol }
export interface TargetIdBrand { readonly TargetId: unique symbol }
export interface ChainIdBrand { readonly ChainId: unique symbol }
export interface ChunkIdBrand { readonly ChunkId: unique symbol }
export interface ClientIdBrand { readonly ClientId: unique symbol }

const isId = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export const NodeId = t.brand(t.number, (n): n is t.Branded<number, NodeIdBrand> => isId(n), 'NodeId');
export type NodeId = t.TypeOf<typeof NodeId>;
export const TargetId = t.brand(t.number, (n): n is t.Branded<number, TargetIdBrand> => isId(n), 'TargetId');
export type TargetId = t.TypeOf<typeof TargetId>;
export const ChainId = t.brand(t.number, (n): n is t.Branded<number, ChainIdBrand> => isId(n), 'ChainId');
export type ChainId = t.TypeOf<typeof ChainId>;
export const ClientId = t.brand(t.number, (n): n is t.Branded<number, ClientIdBrand> => isId(n), 'ClientId');
export type ClientId = t.TypeOf<typeof ClientId>;
/** A chunk id: 1..128 printable ASCII characters (3FS: inode + chunk index, rendered). */
export const ChunkId = t.brand(
  t.string,
  (s): s is t.Branded<string, ChunkIdBrand> => s.length >= 1 && s.length <= 128 && /^[\x21-\x7e]+$/.test(s),
  'ChunkId',
);
export type ChunkId = t.TypeOf<typeof ChunkId>;

/** Unchecked constructors for trusted, in-process code (tests, simulators). */
export const nodeId = (n: number) => n as NodeId;
export const targetId = (n: number) => n as TargetId;
export const chainId = (n: number) => n as ChainId;
export const clientId = (n: number) => n as ClientId;
export const chunkId = (s: string) => s as ChunkId;
