import { isLeft, isRight } from 'fp-ts/Either';
import { HistoryLine, decodeHistory, encodeOperation, formatHistoryError } from '../../spec/history';
import type { LinOperation } from '../../core/check/lin-types';

/** The error message for a one-line file, or 'ok'. */
function errorOf(line: string, model?: 'register' | 'cas'): string {
  const r = decodeHistory(line, model);
  return isLeft(r) ? formatHistoryError(r.left) : 'ok';
}

describe('spec/history: one JSON line per operation, errors name the line and the field', () => {
  test('the three op kinds decode to the in-memory operation', () => {
    const text = [
      '{"client":0,"op":"write","key":"x","value":1,"call":10,"return":25}',
      '',
      '   ',
      '{"client":1,"op":"read","key":"x","output":null,"call":12,"return":30}\r',
      '{"client":2,"op":"cas","key":"x","expected":1,"value":"two","output":true,"call":31,"return":40}',
      '{"client":3,"op":"write","key":"y","value":null,"call":35}',
      '{"client":4,"op":"read","key":"y","call":36}',
    ].join('\n');
    const r = decodeHistory(text, 'cas');
    if (!isRight(r)) throw new Error(formatHistoryError(r.left));
    const expected: LinOperation[] = [
      { client: 0, op: 'write', key: 'x', value: 1, call: 10, return: 25 },
      { client: 1, op: 'read', key: 'x', output: null, call: 12, return: 30 },
      { client: 2, op: 'cas', key: 'x', expected: 1, value: 'two', output: true, call: 31, return: 40 },
      { client: 3, op: 'write', key: 'y', value: null, call: 35 },
      { client: 4, op: 'read', key: 'y', call: 36 },
    ];
    expect(r.right).toEqual(expected);
  });

  test('codec round-trip: decode(encode(op)) = op', () => {
    const ops: LinOperation[] = [
      { client: 0, op: 'write', key: 'k', value: 'v', call: 1.5, return: 2 },
      { client: 7, op: 'read', key: '', output: 3, call: -4, return: -4 },
      { client: 1, op: 'cas', key: 'z', expected: null, value: 0, output: false, call: 0, return: 9 },
      { client: 1, op: 'cas', key: 'z', expected: 'a', value: 'b', call: 0 },
    ];
    for (const o of ops) {
      const back = HistoryLine.decode(JSON.parse(JSON.stringify(encodeOperation(o))));
      expect(isRight(back) && back.right).toEqual(o);
    }
  });

  test.each([
    ['{"client":0,"op":"write","key":"x","value":1,"call":"abc","return":25}', "line 1: field 'call': expected a number"],
    ['{"client":-1,"op":"write","key":"x","value":1,"call":1}', "line 1: field 'client': expected a non-negative integer"],
    ['{"client":0,"op":"delete","key":"x","call":1}', `line 1: field 'op': expected "write", "read" or "cas", got "delete"`],
    ['{"client":0,"op":"write","key":5,"value":1,"call":1}', "line 1: field 'key': expected a string"],
    ['{"client":0,"op":"write","key":"x","call":1}', "line 1: field 'value': required"],
    ['{"client":0,"op":"write","key":"x","value":[1],"call":1}', "line 1: field 'value': expected a number, a string or null"],
    ['{"client":0,"op":"write","key":"x","value":1,"call":10,"return":5}', "line 1: field 'return': is before 'call' (5 < 10)"],
    ['{"client":0,"op":"write","key":"x","value":1,"call":1,"retrun":5}', "line 1: field 'retrun': unknown field (known: client, op, key, call, return, value, expected, output)"],
    ['{"client":0,"op":"write","key":"x","value":1,"output":1,"call":1,"return":2}', "line 1: field 'output': a write has no output"],
    ['{"client":0,"op":"read","key":"x","call":1,"return":2}', "line 1: field 'output': required"],
    ['{"client":0,"op":"read","key":"x","output":1,"call":1}', "line 1: field 'output': an operation that never returned (no 'return') has no output"],
    ['{"client":0,"op":"read","key":"x","value":1,"output":1,"call":1,"return":2}', "line 1: field 'value': a read has no 'value'; what it returned is 'output'"],
    ['{"client":0,"op":"cas","key":"x","value":1,"output":true,"call":1,"return":2}', "line 1: field 'expected': required"],
    ['{"client":0,"op":"cas","key":"x","expected":0,"value":1,"output":"yes","call":1,"return":2}', "line 1: field 'output': expected true or false"],
    ['{"client":0,"op":"write","key":"x","expected":0,"value":1,"call":1}', "line 1: field 'expected': only a cas has 'expected'"],
    ['[1,2]', 'line 1: expected a JSON object, one operation a line'],
  ])('rejects %s', (line, message) => {
    expect(errorOf(line, 'cas')).toBe(message);
  });

  test('a cas line under the register model names the op field and the flag', () => {
    expect(errorOf('{"client":0,"op":"cas","key":"x","expected":0,"value":1,"output":true,"call":1,"return":2}', 'register')).toBe(
      `line 1: field 'op': "cas" needs the cas model (--model cas)`,
    );
  });

  test('the line number counts blank lines; bad JSON is reported as such', () => {
    const text = '{"client":0,"op":"write","key":"x","value":1,"call":1}\n\n\n{"client":0,"op":"write","key":"x","value":1,"call":1,"return":0.5}\n';
    expect(errorOf(text)).toBe("line 4: field 'return': is before 'call' (0.5 < 1)");
    expect(errorOf('\n{"client":0,')).toMatch(/^line 2: not valid JSON/);
  });
});
