/**
 * A committee's work arrangement (工作安排) read as text: its lines, numbered items and sentences.
 *
 * Every match is made on a width-folded copy of a line (full-width digits, letters and punctuation
 * as their ASCII forms, the ideographic space as a space). The fold keeps every character's length,
 * so a position found in the folded copy also cuts the line as written: titles keep the document's
 * own punctuation while "１．" and "1." number an item alike.
 */

export interface SourceLine {
  /** 1-based line number in the document as read. */
  no: number;
  text: string;
  folded: string;
}

export function foldWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** The document's non-empty lines, trimmed, with their line numbers. */
export function sourceLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const folded = foldWidth(raw);
    // Trim on the folded copy (it also knows the ideographic space), then cut both alike.
    const start = folded.length - folded.trimStart().length;
    const end = folded.trimEnd().length;
    if (end > start) out.push({ no: i + 1, text: raw.slice(start, end), folded: folded.slice(start, end) });
  });
  return out;
}

/** The part [start, end) of a line, as written and folded. */
export function slice(line: SourceLine, start: number, end = line.text.length): SourceLine {
  return { no: line.no, text: line.text.slice(start, end), folded: line.folded.slice(start, end) };
}

const CN_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * A number written in ASCII digits or in Chinese: 一 … 九十九 (十二, 二十, 三十一), or digit by digit
 * as years are (二〇一一). Null when it is neither.
 */
export function readNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '') return null;
  if (!s.includes('十')) {
    let n = 0;
    for (const c of s) {
      const d = CN_DIGITS[c];
      if (d === undefined) return null;
      n = n * 10 + d;
    }
    return n;
  }
  const m = /^([一二三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return null;
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[2] ? CN_DIGITS[m[2]]! : 0);
}

// ---------------------------------------------------------------------------
// Numbering: how official documents number their parts (一、 > （一） > 1. > （1）), and the variants
// people type (1、 1．, ㈠, ①).

export type MarkerStyle = 'cn-pause' | 'cn-paren' | 'arabic-dot' | 'arabic-pause' | 'arabic-paren' | 'circled';

export interface Marker {
  style: MarkerStyle;
  number: number;
  /** The marker as written, e.g. "1." or "（三）". */
  text: string;
  /** Characters the marker and the spaces after it take at the start of the line. */
  length: number;
}

const MARKERS: { style: MarkerStyle; re: RegExp; number: (m: RegExpExecArray) => number | null }[] = [
  { style: 'cn-pause', re: /^([一二三四五六七八九十]{1,3})、\s*/, number: (m) => readNumber(m[1]!) },
  { style: 'cn-paren', re: /^\(([一二三四五六七八九十]{1,3})\)\s*/, number: (m) => readNumber(m[1]!) },
  { style: 'cn-paren', re: /^([\u3220-\u3229])\s*/, number: (m) => m[1]!.charCodeAt(0) - 0x321f },
  // Not "1.5": a decimal starts a sentence, not an item.
  { style: 'arabic-dot', re: /^(\d{1,2})\.(?!\d)\s*/, number: (m) => Number(m[1]) },
  { style: 'arabic-pause', re: /^(\d{1,2})、\s*/, number: (m) => Number(m[1]) },
  { style: 'arabic-paren', re: /^\(?(\d{1,2})\)\s*/, number: (m) => Number(m[1]) },
  { style: 'circled', re: /^([\u2460-\u2473])\s*/, number: (m) => m[1]!.charCodeAt(0) - 0x245f },
];

export function readMarker(line: SourceLine): Marker | null {
  for (const { style, re, number } of MARKERS) {
    const m = re.exec(line.folded);
    if (!m) continue;
    const n = number(m);
    if (n === null || n < 1) continue;
    return { style, number: n, text: line.text.slice(0, m[0].length).trim(), length: m[0].length };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Sentences. A full stop inside quotes, book titles or brackets (“创先争优，从我做起”) ends nothing.

const OPENERS = '“‘《(「『【〈';
const CLOSERS = '”’》)」』】〉';
const TERMINATORS = '。!?;';

export interface Span {
  start: number;
  end: number;
  /** Whether the span ends with a sentence terminator (else it runs to the end of the line). */
  terminated: boolean;
}

/** The sentences of a folded line, each with its terminator. */
export function sentenceSpans(folded: string): Span[] {
  const out: Span[] = [];
  let depth = 0;
  let straight = false;
  let start = 0;
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i]!;
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth = Math.max(0, depth - 1);
    else if (c === '"') straight = !straight;
    else if (depth === 0 && !straight && isTerminator(folded, i)) {
      out.push({ start, end: i + 1, terminated: true });
      start = i + 1;
    }
  }
  if (folded.slice(start).trim() !== '') out.push({ start, end: folded.length, terminated: false });
  return out;
}

function isTerminator(folded: string, i: number): boolean {
  const c = folded[i]!;
  if (TERMINATORS.includes(c)) return true;
  // A half-width full stop typed for 。, but not the point of a number.
  return c === '.' && !(/\d/.test(folded[i - 1] ?? '') && /\d/.test(folded[i + 1] ?? ''));
}

/** Text without the punctuation a title or clause should not end with. */
export function trimClause(s: string): string {
  return s.replace(/^[\s,，、;；:：]+/, '').replace(/[\s,，、;；:：。.!！?？]+$/, '');
}

// ---------------------------------------------------------------------------
// The outline: headings and items, nested by their numbering style in the order styles first appear.

export interface OutlineNode {
  kind: 'root' | 'heading' | 'item';
  /** A numbering style, or 'plain' for a short unnumbered heading such as "工作要求". */
  style: MarkerStyle | 'plain' | null;
  marker: Marker | null;
  /** The node's own line after its marker (a plain heading: the whole line). */
  text: SourceLine | null;
  /** A heading's text, or an item's first sentence, as written. */
  title: string;
  /** The unnumbered lines under the node, before its first child. */
  body: SourceLine[];
  children: OutlineNode[];
}

// A short line with no punctuation at all: a heading such as 主要活动 or 工作要求.
const PLAIN_HEADING = /^[^,，。;；:：!！?？、]{1,20}$/;

export function buildOutline(lines: SourceLine[]): OutlineNode {
  const root: OutlineNode = { kind: 'root', style: null, marker: null, text: null, title: '', body: [], children: [] };
  const stack: OutlineNode[] = [root];
  for (const line of lines) {
    const marker = readMarker(line);
    if (marker) {
      // The same style again is a sibling; a style not open yet starts a level below the current one.
      const same = stack.findLastIndex((n) => n.style === marker.style);
      if (same > 0) stack.length = same;
      const text = slice(line, marker.length);
      const first = sentenceSpans(text.folded)[0];
      // An item says something ("1.积极开展……活动。……"); a heading only names a part ("三、工作要求").
      const sentence = first?.terminated ? trimClause(text.text.slice(first.start, first.end)) : '';
      const item = sentence !== '';
      const node: OutlineNode = {
        kind: item ? 'item' : 'heading',
        style: marker.style,
        marker,
        text,
        title: item ? sentence : trimClause(text.text),
        body: [],
        children: [],
      };
      stack.at(-1)!.children.push(node);
      stack.push(node);
    } else if (PLAIN_HEADING.test(line.folded)) {
      stack.length = 1;
      const node: OutlineNode = {
        kind: 'heading',
        style: 'plain',
        marker: null,
        text: line,
        title: line.text,
        body: [],
        children: [],
      };
      root.children.push(node);
      stack.push(node);
    } else {
      stack.at(-1)!.body.push(line);
    }
  }
  return root;
}

/** A node's own text, its body and everything under it, in document order. */
export function wholeText(node: OutlineNode): SourceLine[] {
  return [...(node.text ? [node.text] : []), ...node.body, ...node.children.flatMap(wholeText)];
}
