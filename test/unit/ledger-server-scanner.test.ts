// The ledger server hands PGlite's one backend to the next client only once the backend reports
// ReadyForQuery idle (src/ledger/server.ts); PGlite's reply stream may be cut anywhere, so the
// scanner must find the last ReadyForQuery status whatever the chunking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadyScanner } from '../../src/ledger/server';

/** One backend message: a type byte, its length (itself included), its body. */
const message = (type: string, body: Uint8Array) => {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  out.set(body, 5);
  return out;
};

// Bodies full of 'Z', 'I', 'T' and 'E' bytes: a scanner that looked for them anywhere would be fooled.
const decoy = fc.uint8Array({ maxLength: 40 }).map((b) => b.map((x) => [0x5a, 0x49, 0x54, 0x45, x][x % 5]!));
const backendMessage = fc.oneof(
  fc.record({ type: fc.constantFrom('1', '2', 'C', 'D', 'T', 'E', 'N', 'S', 'K', 'R'), body: decoy }),
  fc.constantFrom('I', 'T', 'E').map((status) => ({ type: 'Z', body: Buffer.from(status, 'latin1') })),
);

describe('ReadyScanner', () => {
  it('reports the last ReadyForQuery status of a reply stream cut at any points', () => {
    fc.assert(
      fc.property(
        fc.array(backendMessage, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((m) => message(m.type, m.body)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const scanner = new ReadyScanner();
          let from = 0;
          for (const to of [...points, stream.length]) {
            scanner.push(stream.subarray(from, to));
            from = to;
          }
          const ready = messages.filter((m) => m.type === 'Z');
          expect(scanner.status).toBe(ready.length ? ready.at(-1)!.body.toString('latin1') : undefined);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a real extended-protocol reply: ParseComplete … ReadyForQuery in a transaction', () => {
    const scanner = new ReadyScanner();
    const reply = Buffer.concat([
      message('1', new Uint8Array()),
      message('2', new Uint8Array()),
      message('C', Buffer.from('INSERT 0 1\0')),
      message('Z', Buffer.from('T')),
    ]);
    for (const byte of reply) scanner.push(Uint8Array.of(byte));
    expect(scanner.status).toBe('T');
  });
});
