/**
 * Linearizability verdicts memoised for model checkers, which meet the same small history
 * again and again under different interleavings of its calls and returns.
 *
 * A verdict depends only on each operation's kind, key and values, whether it returned, and
 * the real-time order between operations (a precedes b iff a.return < b.call, lin-types.ts),
 * never on the times themselves: linearizability asks for a total order that extends that
 * precedence relation and is legal for the model. So histories with the same operations and
 * the same precedence relation share one verdict. `precedenceKey` writes exactly that down:
 * the operations sorted by (client, call) with their data, then the relation as a bit matrix;
 * equal keys give an isomorphism between the histories that keeps data and precedence, hence
 * the same verdict.
 */
import { LinOperation } from './lin-types';
import { CheckOptions, checkHistory } from './lin';

const valueKey = (v: unknown): string => (typeof v === 'string' ? `s${v.length}:${v}` : v === undefined ? 'u' : `${typeof v === 'number' ? 'n' : ''}${String(v)}`);

export function precedenceKey(ops: readonly LinOperation[]): string {
  // insertion sort by (client, call): histories from model checkers are small
  const sorted = ops.slice();
  for (let i = 1; i < sorted.length; i++) {
    const x = sorted[i];
    let j = i - 1;
    while (j >= 0 && (sorted[j].client > x.client || (sorted[j].client === x.client && sorted[j].call > x.call))) {
      sorted[j + 1] = sorted[j];
      j--;
    }
    sorted[j + 1] = x;
  }
  let key = '';
  for (const o of sorted) {
    key += `${o.client}${o.op[0]}${valueKey(o.key)}`;
    if (o.op === 'write') key += valueKey(o.value);
    else if (o.op === 'read') key += valueKey(o.output);
    else key += valueKey(o.expected) + valueKey(o.value) + valueKey(o.output);
    key += o.return === undefined ? 'p;' : 'r;';
  }
  for (const a of sorted) {
    key += '|';
    for (const b of sorted) key += a.return !== undefined && a.return < b.call ? '1' : '0';
  }
  return key;
}

export type LinVerdict = 'ok' | 'illegal' | 'unknown';

/** checkHistory's verdict (no minimisation), computed once per precedence key. */
export class LinVerdicts {
  private readonly byKey = new Map<string, LinVerdict>();
  /** Histories answered, and searches actually run. */
  asked = 0;
  searched = 0;
  constructor(private readonly opts: CheckOptions) {}
  verdict(ops: readonly LinOperation[]): LinVerdict {
    this.asked++;
    const key = precedenceKey(ops);
    let v = this.byKey.get(key);
    if (v === undefined) {
      this.searched++;
      v = checkHistory(ops, { ...this.opts, minimise: false }).result;
      this.byKey.set(key, v);
    }
    return v;
  }
}
