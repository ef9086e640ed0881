/**
 * The text of a Word document (.docx), one line a paragraph, read with mammoth. mammoth's own
 * extractRawText runs paragraphs together with blank lines and drops manual line breaks; its
 * document model (reached through convertToHtml's transformDocument, the HTML is thrown away) keeps
 * both, and says which paragraphs Word numbers itself: that number is not in the text at all.
 */
import mammoth from 'mammoth';

export interface DocxText {
  text: string;
  /** Lines (1-based) whose paragraph Word numbers automatically: the text holds no "1." or "一、". */
  autoNumbered: number[];
}

export class DocxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocxError';
  }
}

/** A zip archive starts with "PK\x03\x04"; a .docx is one. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

interface DocElement {
  type: string;
  value?: string;
  children?: DocElement[];
  numbering?: { isOrdered: boolean } | null;
}

export async function readDocxText(bytes: Uint8Array, what = 'the file'): Promise<DocxText> {
  const lines: string[] = [];
  const autoNumbered: number[] = [];
  let current = '';
  const walk = (e: DocElement): void => {
    if (e.type === 'text') current += e.value ?? '';
    else if (e.type === 'tab') current += '\t';
    else if (e.type === 'break') current += '\n';
    for (const child of e.children ?? []) walk(child);
    if (e.type === 'paragraph') {
      if (e.numbering?.isOrdered) autoNumbered.push(lines.length + 1);
      lines.push(...current.split('\n'));
      current = '';
    }
  };
  try {
    await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      {
        transformDocument: (doc: DocElement) => {
          walk(doc);
          return doc;
        },
        // Only the text is wanted: no images read, no linked files opened.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        externalFileAccess: false,
      },
    );
  } catch (err) {
    throw new DocxError(`${what} is not a Word document (.docx) that can be read: ${(err as Error).message}`);
  }
  return { text: lines.join('\n'), autoNumbered };
}
