/**
 * Text files as offices save them. Excel and Notepad on Chinese Windows write GB18030 (GBK) by
 * default, others UTF-8 with or without a BOM, some UTF-16 with a BOM. The bytes decide: a BOM
 * first, else UTF-8 when the bytes are valid UTF-8, else GB18030 when they are valid GB18030. Each
 * decoder is the platform's (WHATWG TextDecoder, `fatal`), so a byte that does not belong is an
 * error and never a replacement character; nothing is imported as mojibake.
 */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

export class TextEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextEncodingError';
  }
}

/** How an encoding is named to the person who saved the file. */
export const ENCODING_NAMES: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  'utf-16le': 'UTF-16 LE (BOM)',
  'utf-16be': 'UTF-16 BE (BOM)',
  gb18030: 'GB18030 (GBK)',
};

function strict(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

// Control characters other than tab, line feed, carriage return and form feed: a text file saved
// by an office program has none, a spreadsheet or a picture has many.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/** Decodes a text file's bytes; throws TextEncodingError naming what was found when they are not text. */
export function decodeText(input: Uint8Array, what = 'the file'): DecodedText {
  const bytes = input;
  let decoded: DecodedText | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = strict('utf-8', bytes.subarray(3));
    if (text === null) throw new TextEncodingError(`${what} starts with a UTF-8 BOM but is not valid UTF-8`);
    decoded = { text, encoding: 'utf-8-bom' };
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = strict('utf-16le', bytes.subarray(2));
    if (text === null) throw new TextEncodingError(`${what} starts with a UTF-16 BOM but is not valid UTF-16`);
    decoded = { text, encoding: 'utf-16le' };
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = strict('utf-16be', bytes.subarray(2));
    if (text === null) throw new TextEncodingError(`${what} starts with a UTF-16 BOM but is not valid UTF-16`);
    decoded = { text, encoding: 'utf-16be' };
  } else {
    const utf8 = strict('utf-8', bytes);
    if (utf8 !== null) decoded = { text: utf8, encoding: 'utf-8' };
    else {
      const gb = strict('gb18030', bytes);
      if (gb !== null) decoded = { text: gb, encoding: 'gb18030' };
    }
  }
  if (decoded === null) {
    throw new TextEncodingError(
      `${what} is neither UTF-8 nor GB18030 (GBK) text; save it as "CSV UTF-8" or as text in UTF-8 and try again`,
    );
  }
  if (BINARY.test(decoded.text)) {
    throw new TextEncodingError(
      `${what} is not a text file (it holds control characters); save it as text and try again`,
    );
  }
  return decoded;
}
