import { describe, expect, it } from 'vitest';
import { DocxError, looksLikeZip, readDocxText } from '../../src/files/docx.js';
import { buildDocx } from '../helpers/docx.js';

describe('reading a Word document (.docx)', () => {
  it('when paragraphs have manual line breaks, tabs and markup characters, then each line is a line of text', async () => {
    const docx = buildDocx(['标题', '第一行\n二〇一一年四月八日', '甲\t乙 & <丙>', '']);
    expect(looksLikeZip(docx)).toBe(true);
    expect(await readDocxText(docx)).toEqual({
      text: '标题\n第一行\n二〇一一年四月八日\n甲\t乙 & <丙>\n',
      autoNumbered: [],
    });
  });

  it('when Word numbers paragraphs itself, then their lines are named, since the number is not in the text', async () => {
    const docx = buildDocx([
      '标题',
      { text: '开展活动。', autoNumbered: true },
      '正文',
      { text: '开展评议。', autoNumbered: true },
    ]);
    expect(await readDocxText(docx)).toEqual({ text: '标题\n开展活动。\n正文\n开展评议。', autoNumbered: [2, 4] });
  });

  it('when the zip is not a Word document, then it is refused naming the file', async () => {
    const notWord = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40)]);
    await expect(readDocxText(notWord, 'plan.docx')).rejects.toThrow(DocxError);
    await expect(readDocxText(notWord, 'plan.docx')).rejects.toThrow(/^plan\.docx is not a Word document/);
  });
});
