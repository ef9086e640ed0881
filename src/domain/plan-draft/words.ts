/**
 * Who an obligation applies to, from the document's words: branch categories (分类指导) for a branch
 * report, person ranks and the kinds of writing for a personal paper.
 */
import { CATEGORIES, type Category, type PaperKind, type Rank } from '../types.js';

export type DraftScope = 'all' | { categories: Category[] };

const CATEGORY_WORDS: { re: RegExp; categories: Category[] }[] = [
  // 中小职成幼学校: primary, secondary, vocational, adult and kindergarten, i.e. every kind of school.
  { re: /中小职成幼/g, categories: ['primary', 'secondary', 'vocational', 'adult', 'kindergarten'] },
  // 中小学生 are pupils, not schools.
  { re: /中小学(?!生)/g, categories: ['primary', 'secondary'] },
  { re: /幼儿园/g, categories: ['kindergarten'] },
  { re: /职业学校/g, categories: ['vocational'] },
  { re: /成人学校/g, categories: ['adult'] },
  { re: /直属部门|直属单位/g, categories: ['unit'] },
  { re: /机关/g, categories: ['office'] },
];

const ALL_WORDS = /各基层党组织|各级党组织|各党(?:总)?支部/;

export interface ScopeFound {
  scope: DraftScope;
  /** The words that decided it, as they appear in the text. */
  words: string[];
}

/** The branches a text names: categories when it names any, all when it names every branch, else null. */
export function findScope(folded: string): ScopeFound | null {
  const categories = new Set<Category>();
  const words: string[] = [];
  for (const { re, categories: cs } of CATEGORY_WORDS) {
    re.lastIndex = 0;
    const found = folded.match(re);
    if (!found) continue;
    words.push(found[0]);
    for (const c of cs) categories.add(c);
  }
  if (categories.size > 0) return { scope: { categories: CATEGORIES.filter((c) => categories.has(c)) }, words };
  const all = ALL_WORDS.exec(folded);
  return all ? { scope: 'all', words: [all[0]] } : null;
}

const RANK_WORDS: { re: RegExp; rank: Rank }[] = [
  { re: /(?:每位|每名|各|全体)?(?:基层)?处级(?:党员)?领导干部/g, rank: 'division_leader' },
  { re: /(?:每位|每名|各|全体)?(?:基层)?校级(?:党员)?(?:领导)?干部/g, rank: 'school_cadre' },
];

const PAPER_WORDS: { re: RegExp; kind: PaperKind }[] = [
  { re: /调研报告/, kind: 'research_report' },
  { re: /党建论文|论文/, kind: 'party_paper' },
  { re: /典型案例/, kind: 'typical_case' },
  { re: /成功经验/, kind: 'success_story' },
];

export interface PaperClause {
  /** Where the clause starts (at the rank's words) and ends (before the next rank's, or the sentence's end). */
  start: number;
  end: number;
  rank: Rank;
  rankWords: string;
  kinds: PaperKind[];
  kindWords: string[];
}

/**
 * The personal papers a sentence asks for: a rank of persons followed by the kinds of writing they
 * owe ("每位处级党员领导干部……一篇调研报告"). A rank with no kind of writing after it asks for no paper.
 */
export function findPaperClauses(folded: string): PaperClause[] {
  const ranks: { start: number; end: number; rank: Rank; words: string }[] = [];
  for (const { re, rank } of RANK_WORDS) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m !== null; m = re.exec(folded))
      ranks.push({ start: m.index, end: m.index + m[0].length, rank, words: m[0] });
  }
  ranks.sort((a, b) => a.start - b.start);
  const out: PaperClause[] = [];
  ranks.forEach((r, i) => {
    const end = ranks[i + 1]?.start ?? folded.length;
    const clause = folded.slice(r.end, end);
    const kinds: PaperKind[] = [];
    const kindWords: string[] = [];
    for (const { re, kind } of PAPER_WORDS) {
      const m = re.exec(clause);
      if (m) {
        kinds.push(kind);
        kindWords.push(m[0]);
      }
    }
    if (kinds.length > 0) out.push({ start: r.start, end, rank: r.rank, rankWords: r.words, kinds, kindWords });
  });
  return out;
}
