import fs from 'node:fs';
import path from 'node:path';
import type { View } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { catalogues, type Locale } from '../src/i18n/index.js';
import { PACKAGE_ROOT } from '../src/package-root.js';
import { noticeModal } from '../src/ui/notice.js';
import { reminderMessages } from '../src/ui/reminder.js';
import { aReminderItem } from './helpers/fixtures.js';

/** One row of docs/glossary.md. */
interface Concept {
  en: string[];
  zh: string[];
  not: string[];
  /** Key patterns (`x.*` or a key) the row holds to; null for every key. */
  only: string[] | null;
}

const HEADER = ['English', 'Chinese', 'meaning', 'where used', 'not'];

function readGlossary(): Concept[] {
  const text = fs.readFileSync(path.join(PACKAGE_ROOT, 'docs', 'glossary.md'), 'utf8');
  const concepts: Concept[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|') || /^\|[-| ]+\|$/.test(line)) continue;
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    if (cells.join('|') === HEADER.join('|')) continue;
    if (cells.length !== HEADER.length) throw new Error(`glossary row without ${HEADER.length} cells: ${line}`);
    const [en, zh, , where, not] = cells as [string, string, string, string, string];
    const list = (cell: string, sep: RegExp) =>
      cell === '—'
        ? []
        : cell
            .split(sep)
            .map((s) => s.trim())
            .filter((s) => s !== '');
    concepts.push({
      en: list(en, /,/),
      zh: list(zh, / \/ /),
      not: list(not, /[,、]/),
      only: where.startsWith('only:') ? [...where.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) : null,
    });
  }
  return concepts;
}

const glossary = readGlossary();
const en = catalogues.en as Record<string, string>;
const zh = catalogues['zh-CN'] as Record<string, string>;
const keys = Object.keys(en);

const inScope = (c: Concept, key: string) =>
  c.only === null || c.only.some((p) => (p.endsWith('.*') ? key.startsWith(p.slice(0, -1)) : key === p));
const isChinese = (word: string) => /\p{Script=Han}/u.test(word);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const englishWord = (word: string) => new RegExp(`(?<![\\w])${escapeRe(word)}(?![\\w])`, 'gi');
const withoutPlaceholders = (text: string) => text.replace(/\{\w+\}/g, ' ');

/**
 * The concepts an English message speaks of: its words outside code and placeholders, longest
 * term first, each stretch of text counted once ("research report" is not also a "report").
 */
function conceptsIn(key: string): Map<Concept, string> {
  let text = withoutPlaceholders(en[key]!.replace(/`[^`]*`/g, ' '));
  const forms = glossary
    .filter((c) => inScope(c, key))
    .flatMap((c) => c.en.map((form) => ({ c, form })))
    .sort((a, b) => b.form.length - a.form.length);
  const found = new Map<Concept, string>();
  for (const { c, form } of forms) {
    text = text.replace(englishWord(form), (m) => {
      if (!found.has(c)) found.set(c, m);
      return ' '.repeat(m.length);
    });
  }
  return found;
}

const termOfAnother = (c: Concept, word: string) =>
  glossary.some((other) => other !== c && (isChinese(word) ? other.zh : other.en).includes(word));

function uses(text: string, word: string): boolean {
  const plain = withoutPlaceholders(text);
  return isChinese(word) ? plain.includes(word) : englishWord(word).test(plain);
}

describe('the glossary (docs/glossary.md)', () => {
  it('when it is read, then every row has a term in both languages and the rows the brief names are there', () => {
    expect(glossary.length).toBeGreaterThan(40);
    expect(glossary.filter((c) => c.en.length === 0 || c.zh.length === 0)).toEqual([]);
    const zhOf = (term: string) => glossary.find((c) => c.en[0] === term)?.zh[0];
    expect(zhOf('review')).toBe('审核');
    expect(zhOf('decision')).toBe('审核结果');
    expect(zhOf('comment')).toBe('审核意见');
    expect(zhOf('accept')).toBe('通过');
    expect(zhOf('return')).toBe('退回');
    expect(zhOf('commentary')).toBe('点评');
    expect(zhOf('branch')).toBe('基层党组织');
    expect(zhOf('summary')).toBe('简要情况');
    expect(zhOf('extended from')).toBe('原定');
  });
});

describe('the catalogues against the glossary', () => {
  it('when an English message uses a glossary term, then its Chinese uses the glossary’s Chinese term', () => {
    const wrong: string[] = [];
    for (const key of keys) {
      for (const [c, word] of conceptsIn(key)) {
        if (!c.zh.some((form) => zh[key]!.includes(form))) wrong.push(`${key}: "${word}" is ${c.zh[0]}: ${zh[key]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('when a word is listed as not the term, then no message uses it (where the concept is meant, for another concept’s term)', () => {
    const wrong: string[] = [];
    for (const c of glossary) {
      for (const word of c.not) {
        const catalogue = isChinese(word) ? zh : en;
        const where = keys.filter((key) => {
          if (c.only !== null) return inScope(c, key);
          return termOfAnother(c, word) ? conceptsIn(key).has(c) : true;
        });
        for (const key of where)
          if (uses(catalogue[key]!, word)) wrong.push(`${key}: "${word}" (say ${c.zh[0]} / ${c.en[0]})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('when a message is written, then it has no emoji in either language: the office writes plain', () => {
    const withEmoji = (['en', 'zh-CN'] as const).flatMap((l) =>
      Object.entries(catalogues[l])
        .filter(([, text]) => /\p{Extended_Pictographic}/u.test(text))
        .map(([k, text]) => `${l}:${k}: ${text}`),
    );
    expect(withEmoji).toEqual([]);
  });
});

/** Every text of a block list, and every button's label. */
function walk(blocks: readonly unknown[]): { texts: string[]; buttons: string[] } {
  const texts: string[] = [];
  const buttons: string[] = [];
  const visit = (node: unknown, inButton: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, inButton));
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const button = o.type === 'button';
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string')
      (inButton ? buttons : texts).push(o.text);
    for (const v of Object.values(o)) visit(v, inButton || button);
  };
  visit(blocks, false);
  return { texts, buttons };
}

/** Phrases a text puts in quotation marks (“…”): how a hint names a button. */
const quoted = (text: string) => [...text.matchAll(/“([^”]+)”/g)].map((m) => m[1]!);

describe('hints that name a button', () => {
  const LOCALES: Locale[] = ['zh-CN', 'en'];
  /** The text of a context block (where hints go), and every button label of the same view or message. */
  const hintAndButtons = (blocks: readonly { type: string }[], context: { type: string } | undefined) => {
    expect(context?.type).toBe('context');
    return { hint: walk([context!]).texts.join(' '), buttons: walk(blocks).buttons };
  };

  it('when the notice form says to press the redraft button, then it names the button by its own label', () => {
    for (const locale of LOCALES) {
      const view: View = noticeModal({
        locale,
        days: 7,
        count: 3,
        draft: { title: 'T', body: 'B' },
        rev: 0,
        channelId: null,
        privateMetadata: '{}',
      });
      const { hint, buttons } = hintAndButtons(
        view.blocks,
        view.blocks.find((b) => b.type === 'context'),
      );
      expect(quoted(hint).length).toBeGreaterThan(0);
      expect(quoted(hint).filter((q) => !buttons.includes(q))).toEqual([]);
    }
  });

  it('when a reminder’s footer names its buttons, then each is the label of a button in the same message, also with only a paper', () => {
    for (const locale of LOCALES) {
      for (const items of [
        [aReminderItem()],
        [aReminderItem({ kind: 'paper', branchId: null, branchCode: null, branchName: null })],
      ]) {
        const [message] = reminderMessages(locale, items);
        // The footer is the message's last block.
        const { hint, buttons } = hintAndButtons(message!.blocks, message!.blocks.at(-1));
        expect(quoted(hint).length).toBeGreaterThan(0);
        expect(quoted(hint).filter((q) => !buttons.includes(q))).toEqual([]);
      }
    }
  });
});
