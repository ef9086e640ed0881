/**
 * A plan drafted from the committee's own work arrangement (工作安排): one activity per numbered item,
 * the obligations its sentences imply, and for each due date the phrase and rule it came from. The
 * draft is for the office to check, so everything it guessed or could not read is said: TODO where
 * the text is silent, notes for phrases it does not understand, with their line numbers.
 */
import { createWorkCalendar, type LocalDate, type WorkCalendar } from '../calendar.js';
import { findDates, findUnknownPhrases, wholeLineDate, type DateContext, type FoundDate } from './dates.js';
import {
  buildOutline,
  readMarker,
  sentenceSpans,
  slice,
  sourceLines,
  trimClause,
  wholeText,
  type OutlineNode,
  type SourceLine,
} from './text.js';
import { findPaperClauses, findScope, type DraftScope } from './words.js';
import type { PaperKind, Rank } from '../types.js';
import type { Parsed } from '../validation.js';

export interface DraftOptions {
  /** The plan's year; by default the year in the document's title, else in its date. */
  year?: number;
  calendar?: WorkCalendar;
}

export interface DraftDue {
  day: LocalDate;
  /** Whether the day comes from a phrase in the text (else it is the plan's end, marked TODO). */
  fromText: boolean;
  /** Where it came from, for the comment beside it. */
  comment: string;
}

export interface DraftObligation {
  code: string;
  line: number;
  title: string;
  kind: 'report' | 'paper';
  paperKinds: PaperKind[] | null;
  paperKindsNote: string | null;
  appliesTo: DraftScope | { ranks: Rank[] };
  appliesNote: string;
  due: DraftDue;
}

export interface DraftActivity {
  code: string;
  line: number;
  /** The item's number as written, e.g. "1." or "（一）". */
  marker: string;
  title: string;
  description: string | null;
  obligations: DraftObligation[];
}

export interface DraftNote {
  /** Null for a note about the whole draft. */
  line: number | null;
  phrase: string;
  note: string;
}

export interface PlanDraft {
  year: number;
  yearNote: string;
  title: string;
  titleNote: string;
  starts: LocalDate;
  startsNote: string;
  ends: LocalDate;
  activities: DraftActivity[];
  /** Dates understood outside the activities (work requirements, say): not drafted, listed. */
  outside: DraftNote[];
  /** Words of time no rule covers. */
  notUnderstood: DraftNote[];
  /** Anything else to check: a due date moved into the plan's period, numbering that skips. */
  checks: DraftNote[];
}

/** The English text the office writes; `plan import` accepts it and it shows in Slack until replaced. */
export const TODO_EN = 'TODO(en)';

const TITLE_MAX = 150;
const DESCRIPTION_MAX = 2000;

// Parts of a work arrangement that are not activities, though numbered like them.
const NOT_ACTIVITIES = /要求|保障|措施|指导思想|目标|原则|意义/;

const YEAR_IN_TITLE = /(?<!\d)(20\d\d|2100)(?!\d)/;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function draftPlan(text: string, options: DraftOptions = {}): Parsed<PlanDraft> {
  const calendar = options.calendar ?? createWorkCalendar();
  const lines = sourceLines(text);
  if (lines.length === 0) return { ok: false, problems: ['the document is empty'] };

  const titleLine = readMarker(lines[0]!) === null ? lines[0]! : null;
  const titleYear = titleLine ? Number(YEAR_IN_TITLE.exec(titleLine.folded)?.[1] ?? NaN) || null : null;

  // The document's date is its last line that is nothing but a date (二〇一一年四月八日).
  const dated = (year: number) => {
    for (let i = lines.length - 1; i > 0; i--) {
      const found = wholeLineDate(lines[i]!, { year, calendar });
      if (found) return { line: lines[i]!, found };
    }
    return null;
  };
  // Without --year or a year in the title, the date's own year (read with any year as the default).
  const written = titleYear === null && options.year === undefined ? dated(0) : null;
  const writtenYear = written && /^(\d{4}|[〇零一二三四五六七八九]{4})年/.test(written.line.folded) ? written : null;
  const year = options.year ?? titleYear ?? (writtenYear ? Number(writtenYear.found.day.slice(0, 4)) : null);
  if (year === null)
    return { ok: false, problems: ["found no year in the document's title or date; give it with --year"] };
  const ctx: DateContext = { year, calendar };
  const checks: DraftNote[] = [];

  const yearNote =
    options.year !== undefined
      ? 'given with --year'
      : titleYear !== null
        ? `from the title (line ${titleLine!.no})`
        : `from the document's date (line ${writtenYear!.line.no})`;
  if (options.year !== undefined && titleYear !== null && titleYear !== options.year)
    checks.push({ line: titleLine!.no, phrase: String(titleYear), note: `the title names ${titleYear}, not ${year}` });

  const title = titleLine ? clip(titleLine.text, TITLE_MAX) : `TODO: the plan's title`;
  const titleNote = titleLine ? `line ${titleLine.no}` : 'TODO: no title line found';

  const ends = `${year}-12-31`;
  const date = dated(year);
  let starts = `${year}-01-01`;
  let startsNote = "TODO: no date of the document found; the plan's period starts on Jan 1";
  if (date && date.found.day.startsWith(`${year}-`)) {
    starts = date.found.day;
    startsNote = `the document's date, line ${date.line.no}: ${date.found.phrase}`;
  } else if (date) {
    startsNote = `TODO: the document is dated ${date.found.day} (line ${date.line.no}), outside ${year}; the plan's period starts on Jan 1`;
  }

  const skip = new Set([titleLine?.no, date?.line.no]);
  const body = lines.filter((l) => !skip.has(l.no));
  const items = activityItems(buildOutline(body));
  if (items.length === 0)
    return {
      ok: false,
      problems: [
        'found no numbered activities (lines such as "1.积极开展……活动。" or "（一）……。", numbered and ending a sentence)',
      ],
    };

  const notUnderstood: DraftNote[] = [];
  const period = { starts, ends };
  const activities = items.map((node, i) => {
    const code = `A${String(i + 1).padStart(2, '0')}`;
    if (node.marker!.number !== i + 1)
      checks.push({
        line: node.text!.no,
        phrase: node.marker!.text,
        note: `activity ${i + 1} is numbered ${node.marker!.number}; check that no item was missed or taken in`,
      });
    return draftActivity(node, code, ctx, period, notUnderstood, checks);
  });

  const inActivities = new Set(items.flatMap((n) => wholeText(n).map((l) => l.no)));
  const outside: DraftNote[] = [];
  for (const line of body) {
    if (inActivities.has(line.no)) continue;
    const dates = findDates(line, ctx);
    for (const d of dates) outside.push({ line: line.no, phrase: d.phrase, note: `${d.day} (${d.rule})` });
    for (const u of findUnknownPhrases(line, dates))
      notUnderstood.push({ line: line.no, phrase: u.phrase, note: 'outside the activities' });
  }
  notUnderstood.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (!calendar.hasOfficialData(year))
    checks.push({
      line: null,
      phrase: '',
      note: `no official holiday calendar for ${year}: 前夕 and 之前 counted Monday to Friday as working days`,
    });

  return {
    ok: true,
    value: { year, yearNote, title, titleNote, starts, startsNote, ends, activities, outside, notUnderstood, checks },
  };
}

/** The top items of the outline outside the parts that are not activities; what is under an item is its text. */
function activityItems(node: OutlineNode): OutlineNode[] {
  return node.children.flatMap((child) => {
    if (child.kind === 'item') return [child];
    return NOT_ACTIVITIES.test(child.title) ? [] : activityItems(child);
  });
}

function sentencesOf(lines: SourceLine[]): SourceLine[] {
  return lines.flatMap((l) => sentenceSpans(l.folded).map((s) => slice(l, s.start, s.end)));
}

function draftActivity(
  node: OutlineNode,
  code: string,
  ctx: DateContext,
  period: { starts: LocalDate; ends: LocalDate },
  notUnderstood: DraftNote[],
  checks: DraftNote[],
): DraftActivity {
  const sentences = sentencesOf(wholeText(node));
  // The subject of an activity is in its title and first sentence ("教委机关围绕中心工作……").
  const opening = sentences
    .slice(0, 2)
    .map((s) => s.folded)
    .join('');
  const obligations: DraftObligation[] = [];
  const add = (ob: Omit<DraftObligation, 'code'>) =>
    obligations.push({ code: `${code}-${obligations.length + 1}`, ...ob });

  const reportScope = (segment: string, where = 'the text'): Pick<DraftObligation, 'appliesTo' | 'appliesNote'> => {
    const own = findScope(segment);
    if (own) return { appliesTo: own.scope, appliesNote: `${quoted(own.words)} in ${where}` };
    const lead = findScope(opening);
    if (lead) return { appliesTo: lead.scope, appliesNote: `${quoted(lead.words)} in the activity's opening` };
    return { appliesTo: 'all', appliesNote: 'the text names no branch category: every branch' };
  };

  const [titleSentence, ...rest] = sentences;
  for (const u of findUnknownPhrases(titleSentence!, findDates(titleSentence!, ctx)))
    notUnderstood.push({ line: titleSentence!.no, phrase: u.phrase, note: `in ${code}` });
  for (const sentence of rest) {
    const dates = findDates(sentence, ctx);
    for (const u of findUnknownPhrases(sentence, dates))
      notUnderstood.push({ line: sentence.no, phrase: u.phrase, note: `in ${code}` });

    const papers = findPaperClauses(sentence.folded);
    if (papers.length > 0) {
      for (const p of papers) {
        const own = dates.filter((d) => d.start >= p.start && d.start < p.end);
        add({
          line: sentence.no,
          title: clip(trimClause(sentence.text.slice(p.start, p.end)) || node.title, TITLE_MAX),
          kind: 'paper',
          paperKinds: p.kinds,
          paperKindsNote: quoted(p.kindWords),
          appliesTo: { ranks: [p.rank] },
          appliesNote: quoted([p.rankWords]),
          due:
            own.length > 0 || dates.length === 0
              ? dueOf(own, sentence, period, checks, code)
              : dueOf(dates, sentence, period, checks, code, ' (said in the same sentence)'),
        });
      }
      continue;
    }

    const groups = groupDates(sentence, dates);
    groups.forEach((group, gi) => {
      const start = gi === 0 ? 0 : group[0]!.start;
      const end = groups[gi + 1]?.[0]!.start ?? sentence.text.length;
      add({
        line: sentence.no,
        title: clip(trimClause(sentence.text.slice(start, end)) || node.title, TITLE_MAX),
        kind: 'report',
        paperKinds: null,
        paperKindsNote: null,
        ...reportScope(sentence.folded.slice(start, end)),
        due: dueOf(group, sentence, period, checks, code),
      });
    });
  }

  // An activity whose sentences ask nothing dated owes one report by its title, dated by a date in
  // the title if it has one ("1.“七一”前夕召开表彰大会。").
  if (obligations.length === 0)
    add({
      line: node.text!.no,
      title: clip(node.title, TITLE_MAX),
      kind: 'report',
      paperKinds: null,
      paperKindsNote: null,
      ...reportScope(titleSentence!.folded, 'the title'),
      due: dueOf(findDates(titleSentence!, ctx), titleSentence!, period, checks, code),
    });

  const description = rest
    .map((s) => s.text)
    .join('')
    .trim();
  return {
    code,
    line: node.text!.no,
    marker: node.marker!.text,
    title: clip(node.title, TITLE_MAX),
    description: description === '' ? null : clip(description, DESCRIPTION_MAX),
    obligations,
  };
}

function quoted(words: string[]): string {
  return words.map((w) => `"${w}"`).join(', ');
}

// Dates listed together (利用“三八”妇女节、“五一”劳动节、“五四”青年节) are one occasion; a date
// after other words starts another ("5月底前完成备案，10月底前完成申报").
function groupDates(sentence: SourceLine, dates: FoundDate[]): FoundDate[][] {
  const groups: FoundDate[][] = [];
  for (const d of dates) {
    const last = groups.at(-1)?.at(-1);
    if (last && /^[\s、,和及与或]*$/.test(sentence.folded.slice(last.end, d.start))) groups.at(-1)!.push(d);
    else groups.push([d]);
  }
  return groups;
}

function dueOf(
  dates: FoundDate[],
  sentence: SourceLine,
  period: { starts: LocalDate; ends: LocalDate },
  checks: DraftNote[],
  code: string,
  where = '',
): DraftDue {
  if (dates.length === 0)
    return { day: period.ends, fromText: false, comment: "TODO: no date in the text (set to the plan's end)" };
  const line = sentence.no;
  const latest = dates.reduce((a, b) => (b.day > a.day ? b : a));
  const phrase = sentence.text.slice(dates[0]!.start, dates.at(-1)!.end);
  const rule = dates.length === 1 ? latest.rule : `${dates.map((d) => d.rule).join(', ')}; the latest of them`;
  const comment = `line ${line}, ${phrase}${where}: ${rule}`;
  if (latest.day < period.starts || latest.day > period.ends) {
    const day = latest.day < period.starts ? period.starts : period.ends;
    const bound = latest.day < period.starts ? 'start' : 'end';
    checks.push({ line, phrase, note: `${code}: ${latest.day} is outside the plan's period; set to its ${bound}` });
    return {
      day,
      fromText: true,
      comment: `TODO: ${comment} gives ${latest.day}, outside the plan; set to its ${bound}`,
    };
  }
  return { day: latest.day, fromText: true, comment };
}
