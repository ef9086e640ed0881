import { describe, expect, it } from 'vitest';
import { decodeText, TextEncodingError } from '../../src/files/text.js';

// 书记,B001 in GBK, as Excel on Chinese Windows saves it: 书 = CA E9, 记 = BC C7.
const GBK = Buffer.from([0xca, 0xe9, 0xbc, 0xc7, 0x2c, 0x42, 0x30, 0x30, 0x31, 0x0a]);

describe('decodeText', () => {
  it('when the bytes are GBK, then they are read as GB18030 and say so', () => {
    expect(decodeText(GBK)).toEqual({ text: '书记,B001\n', encoding: 'gb18030' });
  });

  it('when the bytes are UTF-8 with or without a BOM, then the BOM is dropped and the kind named', () => {
    const utf8 = Buffer.from('书记,B001\n', 'utf8');
    expect(decodeText(utf8)).toEqual({ text: '书记,B001\n', encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toEqual({
      text: '书记,B001\n',
      encoding: 'utf-8-bom',
    });
  });

  it('when the bytes are UTF-16 with a BOM, then they are read in its byte order', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('书记', 'utf16le')]);
    expect(decodeText(le)).toEqual({ text: '书记', encoding: 'utf-16le' });
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ text: '书记', encoding: 'utf-16be' });
  });

  it('when the bytes are neither UTF-8 nor GB18030, then it refuses with a message naming the file', () => {
    // 0x80 and 0xFF are not lead bytes in GB18030 and not valid UTF-8.
    expect(() => decodeText(Buffer.from([0x41, 0x80, 0xff, 0x42]), 'roster.csv')).toThrow(TextEncodingError);
    expect(() => decodeText(Buffer.from([0x41, 0x80, 0xff, 0x42]), 'roster.csv')).toThrow(
      /roster\.csv is neither UTF-8 nor GB18030/,
    );
  });

  it('when the bytes decode but hold control characters (a spreadsheet, a picture), then it refuses', () => {
    expect(() => decodeText(Buffer.from('PK\u0003\u0004xl/workbook.xml', 'latin1'))).toThrow(/not a text file/);
  });
});
