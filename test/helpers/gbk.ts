/**
 * GBK bytes for test files, as Excel on Chinese Windows saves them. Node has a GB18030 decoder but
 * no encoder, so the table is the decoder run backwards over GBK's two-byte range (lead 0x81–0xFE,
 * trail 0x40–0xFE except 0x7F); test/cli.test.ts pins known bytes (书 = CA E9).
 */
let table: Map<string, [number, number]> | null = null;

function gbkTable(): Map<string, [number, number]> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030', { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      let char: string;
      try {
        char = decoder.decode(Uint8Array.of(lead, trail));
      } catch {
        continue;
      }
      if (!table.has(char)) table.set(char, [lead, trail]);
    }
  }
  return table;
}

/** Encodes text as GBK; throws on a character GBK does not have. */
export function encodeGbk(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = gbkTable().get(char);
    if (!pair) throw new Error(`GBK has no ${char} (U+${code.toString(16).toUpperCase()})`);
    bytes.push(...pair);
  }
  return Buffer.from(bytes);
}
