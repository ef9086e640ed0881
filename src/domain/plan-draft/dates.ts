/**
 * Date phrases of a work arrangement, and the day each one means. The committee writes festivals and
 * parts of the year ("七一"前夕, 利用"三八"妇女节, 2011年底, 上半年) as often as dates (5月31日, 5月底);
 * each phrase found comes back with the day and the rule that gave it, so the draft can say why.
 */
import { addDays, isLocalDate, type LocalDate, type WorkCalendar } from '../calendar.js';
import { readNumber, type SourceLine } from './text.js';

export interface FoundDate {
  /** Position in the line (folded and as written alike). */
  start: number;
  end: number;
  /** The phrase as written. */
  phrase: string;
  day: LocalDate;
  /** A date as written (5月31日), a part of a month or year (5月底, 上半年) or a festival (七一). */
  kind: DateKind;
  /** How the phrase became the day, in words: `七一 is Jul 1; 前夕: the last working day before it`. */
  rule: string;
}

export type DateKind = 'date' | 'part' | 'festival';

export interface UnknownPhrase {
  start: number;
  end: number;
  phrase: string;
}

export interface DateContext {
  /** The plan's year, for phrases that name none. */
  year: number;
  calendar: WorkCalendar;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function ymd(y: number, m: number, d: number): LocalDate | null {
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isLocalDate(s) ? s : null;
}

function monthEnd(y: number, m: number): LocalDate | null {
  const next = ymd(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1);
  return next && addDays(next, -1);
}

// Festivals by their number (quoted as the committee writes them: “七一”) or by their name.
const FESTIVALS: Record<string, { month: number; day: number }> = {
  七一: { month: 7, day: 1 },
  建党节: { month: 7, day: 1 },
  三八: { month: 3, day: 8 },
  妇女节: { month: 3, day: 8 },
  五一: { month: 5, day: 1 },
  劳动节: { month: 5, day: 1 },
  五四: { month: 5, day: 4 },
  青年节: { month: 5, day: 4 },
  六一: { month: 6, day: 1 },
  儿童节: { month: 6, day: 1 },
  教师节: { month: 9, day: 10 },
  国庆: { month: 10, day: 1 },
  国庆节: { month: 10, day: 1 },
};

const Y4 = '(\\d{4}|[〇零一二三四五六七八九]{4})';
const N2 = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

interface Pattern {
  re: RegExp;
  /**
   * The day before any 前夕 / 之前, and the rule's words; null when the match is not a date after all
   * (no such month, or a year written that has no such day: 0000年, 2月30日).
   */
  read: (m: RegExpExecArray, ctx: DateContext) => { day: LocalDate | null; rule: string; kind: DateKind } | null;
  /** Whether a match stands as a date, given the text after it. */
  stands?: (m: RegExpExecArray, after: string) => boolean;
}

function yearOf(text: string | undefined, ctx: DateContext): number | null {
  return text === undefined ? ctx.year : readNumber(text);
}

const PATTERNS: Pattern[] = [
  {
    // 2011年5月31日, 5月31号, 五月三十一日; 5月底 / 5月末 / 5月下旬; 9月上旬, 9月中旬.
    re: new RegExp(`(?:${Y4}年)?${N2}月(?:${N2}[日号]|(底|末|上旬|中旬|下旬))`, 'g'),
    read: (m, ctx) => {
      const y = yearOf(m[1], ctx);
      const month = readNumber(m[2]!);
      if (y === null || month === null || month < 1 || month > 12) return null;
      if (m[3] !== undefined) {
        const d = readNumber(m[3]);
        return { day: d === null ? null : ymd(y, month, d), rule: 'as written', kind: 'date' };
      }
      const part = m[4]!;
      if (part === '上旬') return { day: ymd(y, month, 10), rule: '上旬, the 10th', kind: 'part' };
      if (part === '中旬') return { day: ymd(y, month, 20), rule: '中旬, the 20th', kind: 'part' };
      return { day: monthEnd(y, month), rule: `${part}, the month's last day`, kind: 'part' };
    },
  },
  {
    // 2011年底, 年底, 年终, 年末, 本年底.
    re: new RegExp(`(?:${Y4}年?|本|今)?年(底|终|末)`, 'g'),
    read: (m, ctx) => {
      const y = yearOf(m[1], ctx);
      return y === null ? null : { day: ymd(y, 12, 31), rule: `年${m[2]} is Dec 31`, kind: 'part' };
    },
  },
  {
    re: new RegExp(`(?:${Y4}年|本年|今年)?([上下])半年`, 'g'),
    read: (m, ctx) => {
      const y = yearOf(m[1], ctx);
      if (y === null) return null;
      return m[2] === '上'
        ? { day: ymd(y, 6, 30), rule: '上半年 ends Jun 30', kind: 'part' }
        : { day: ymd(y, 12, 31), rule: '下半年 ends Dec 31', kind: 'part' };
    },
  },
  {
    // "Within this year" sets no day of its own: the year's last.
    re: /本年度|本年内|今年内|年度内/g,
    read: (_m, ctx) => ({ day: ymd(ctx.year, 12, 31), rule: 'within the year, so Dec 31', kind: 'part' }),
  },
  {
    re: /["“「]?(七一|三八|五一|五四|六一)["”」]?(建党节|妇女节|劳动节|青年节|儿童节|节)?|建党节|妇女节|劳动节|青年节|儿童节|教师节|国庆节|国庆/g,
    read: (m, ctx) => {
      const name = m[1] ?? m[0];
      const f = FESTIVALS[name]!;
      return {
        day: ymd(ctx.year, f.month, f.day),
        rule: `${name} is ${MONTHS[f.month - 1]} ${f.day}`,
        kind: 'festival',
      };
    },
    // A festival's number alone is too common a pair of characters (五一 in 五一班): it counts as a
    // date when it is quoted, named as a festival, or followed by a word of time.
    stands: (m, after) => {
      if (m[1] === undefined) return true;
      const quoted = /^["“「]/.test(m[0]) && /["”」]$/.test(m[0]);
      return quoted || m[2] !== undefined || /^(前夕|之前|以前|前|期间|当天|当日)/.test(after);
    },
  },
];

const MODIFIERS: { re: RegExp; apply: (day: LocalDate, cal: WorkCalendar) => LocalDate; rule: string }[] = [
  {
    re: /^(前夕|之前)/,
    apply: (day, cal) => cal.previousWorkday(addDays(day, -1)),
    rule: 'the last working day before it',
  },
  {
    // "By" a day: on it, or the working day before when it is a day off.
    re: /^(以前|前(?!后))/,
    apply: (day, cal) => cal.previousWorkday(day),
    rule: 'by that day (the working day before, if it is a day off)',
  },
];

/** The date phrases of a line, in order, none overlapping. */
export function findDates(line: SourceLine, ctx: DateContext): FoundDate[] {
  const found: FoundDate[] = [];
  for (const { re, read, stands } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(line.folded); m !== null; m = re.exec(line.folded)) {
      let end = m.index + m[0].length;
      if (stands && !stands(m, line.folded.slice(end))) continue;
      const base = read(m, ctx);
      if (!base || base.day === null) continue;
      let { day, rule } = base as { day: LocalDate; rule: string };
      for (const mod of MODIFIERS) {
        const mm = mod.re.exec(line.folded.slice(end));
        if (!mm) continue;
        day = mod.apply(day, ctx.calendar);
        rule = `${rule}; ${mm[0]}: ${mod.rule}`;
        end += mm[0].length;
        break;
      }
      found.push({ start: m.index, end, phrase: line.text.slice(m.index, end), day, rule, kind: base.kind });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: FoundDate[] = [];
  for (const f of found) if (out.length === 0 || f.start >= out.at(-1)!.end) out.push(f);
  return out;
}

/** The phrase that covers the whole line, when the line is nothing but a date (a document's date). */
export function wholeLineDate(line: SourceLine, ctx: DateContext): FoundDate | null {
  const dates = findDates(line, ctx);
  const only = dates[0];
  return dates.length === 1 && only?.kind === 'date' && only.start === 0 && only.end === line.folded.length
    ? only
    : null;
}

// Words of time the draft has no rule for: the office decides what they mean.
const UNKNOWN =
  /(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:初|中|份)?|第?[一二三四1-4]季度|季度末|寒假|暑假|开学|学期[初末]|期末|年初|月初|月底|月末|元旦|春节|清明|端午|中秋|重阳|建军节|前夕/g;

/** Words of time in the line that no date phrase covers. */
export function findUnknownPhrases(line: SourceLine, known: FoundDate[]): UnknownPhrase[] {
  let masked = line.folded;
  for (const k of known) masked = masked.slice(0, k.start) + ' '.repeat(k.end - k.start) + masked.slice(k.end);
  const out: UnknownPhrase[] = [];
  UNKNOWN.lastIndex = 0;
  for (let m = UNKNOWN.exec(masked); m !== null; m = UNKNOWN.exec(masked)) {
    const end = m.index + m[0].length;
    out.push({ start: m.index, end, phrase: line.text.slice(m.index, end) });
  }
  return out;
}
