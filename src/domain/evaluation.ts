import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { MessageKey, Params } from '../i18n/index.js';
import { daysBetween, type WorkCalendar } from './calendar.js';
import { count, planCode, planDate, planLocalized, uniqueCodes } from './projects.js';
import type { FieldErrors, ViewState } from './report-form.js';
import { fieldOf } from './report-form.js';
import { isValidLocalDate } from './time.js';
import type { Branch, Category, LocalDate } from './types.js';

/**
 * The year-end evaluation (评议, work requirement 5 of the 2011 plan): the plan file's `evaluation`
 * section, who rates which branch, a ballot's checks, and the results of a closed round. Pure:
 * plain data in, decisions out (docs/decisions/011-evaluation-anonymity.md).
 */

/** The seed: "around the theme, the core work and members' commitments". */
export const DEFAULT_QUESTIONS = [
  { code: 'overall', title: { zh: '本组织创先争优活动总体情况', en: "The branch's campaign work overall" } },
  { code: 'commitments', title: { zh: '党员公开承诺践行情况', en: "Members' public commitments" } },
];

export const DEFAULT_GRADES = [
  { code: 'satisfied', title: { zh: '满意', en: 'Satisfied' }, satisfied: true },
  { code: 'basic', title: { zh: '基本满意', en: 'Basically satisfied' }, satisfied: true },
  { code: 'dissatisfied', title: { zh: '不满意', en: 'Dissatisfied' }, satisfied: false },
];

const QuestionSchema = z.object({ code: planCode(24), title: planLocalized(150) }).strict();

const GradeSchema = z
  .object({
    code: planCode(24),
    title: planLocalized(24),
    /** Counts towards the satisfaction rate ((满意 + 基本满意) / all in the default grades). */
    satisfied: z.boolean({ message: 'expected true or false' }),
  })
  .strict();

const VotersSchema = z
  .object({
    /** A branch's members rate their own branch. */
    members: z.boolean({ message: 'expected true or false' }).default(true),
    /** A branch's secretary rates their own branch. */
    secretaries: z.boolean({ message: 'expected true or false' }).default(true),
    /** Leaders rate every branch. */
    leaders: z.boolean({ message: 'expected true or false' }).default(true),
  })
  .strict();

export const EvaluationSchema = z
  .object({
    opens: planDate,
    closes: planDate,
    questions: z
      .array(QuestionSchema)
      .min(1, 'list at least one question')
      .max(3, 'at most 3 questions (a ballot is one screen on a phone)')
      .default(() => DEFAULT_QUESTIONS.map((q) => ({ ...q, title: { ...q.title } }))),
    grades: z
      .array(GradeSchema)
      .min(2, 'list at least two grades')
      .max(5, 'at most 5 grades')
      .default(() => DEFAULT_GRADES.map((g) => ({ ...g, title: { ...g.title } }))),
    voters: VotersSchema.default(() => VotersSchema.parse({})),
    /** Its weight in the year-end assessment (年终考核), in points of 100. */
    weight: count(100).default(20),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (isValidLocalDate(e.opens) && isValidLocalDate(e.closes) && e.closes < e.opens)
      ctx.addIssue({ code: 'custom', path: ['closes'], message: `${e.closes} is before opens ${e.opens}` });
    uniqueCodes(e.questions, ['questions'], ctx);
    uniqueCodes(e.grades, ['grades'], ctx);
    if (!e.grades.some((g) => g.satisfied))
      ctx.addIssue({ code: 'custom', path: ['grades'], message: 'at least one grade must count as satisfied' });
  });

export type EvaluationRules = z.infer<typeof EvaluationSchema>;
export type Question = EvaluationRules['questions'][number];
export type Grade = EvaluationRules['grades'][number];
/** What a round keeps of the rules when it opens: the dates are the round's own columns. */
export type RoundSettings = Omit<EvaluationRules, 'opens' | 'closes'>;

/** The section's dates lie in the plan's period. */
export function checkEvaluationAgainstPlan(
  e: EvaluationRules | undefined,
  plan: { starts: string; ends: string },
  ctx: z.RefinementCtx,
): void {
  if (!e) return;
  for (const name of ['opens', 'closes'] as const) {
    const date = e[name];
    if (isValidLocalDate(date) && (date < plan.starts || date > plan.ends))
      ctx.addIssue({
        code: 'custom',
        path: ['evaluation', name],
        message: `${date} is outside the plan (${plan.starts} to ${plan.ends})`,
      });
  }
}

/** The rules of a round opened without a plan section (`cli evaluation open --opens … --closes …`). */
export function defaultRules(opens: LocalDate, closes: LocalDate): EvaluationRules {
  return EvaluationSchema.parse({ opens, closes });
}

export interface Round {
  id: number;
  planId: number;
  opens: LocalDate;
  closes: LocalDate;
  settings: RoundSettings;
  closedAt: string | null;
}

export type RoundState = 'before' | 'open' | 'ended' | 'closed';

/**
 * Where a round stands on a day: ballots are taken from `opens` to `closes` inclusive; after that
 * it has ended but shows nothing until it is closed (the job closes it the next working day, or the
 * office with `cli evaluation close`).
 */
export function roundState(round: Pick<Round, 'opens' | 'closes' | 'closedAt'>, today: LocalDate): RoundState {
  if (round.closedAt !== null) return 'closed';
  if (today < round.opens) return 'before';
  if (today > round.closes) return 'ended';
  return 'open';
}

// Who votes for which branch.

export interface VoterCandidate {
  id: number;
  branchId: number | null;
  isMember: boolean;
  isLeader: boolean;
  secretaryOf: readonly number[];
}

/** Every (person, branch) pair of the round's electorate, in roster order, without duplicates. */
export function electorate(
  people: readonly VoterCandidate[],
  branchIds: readonly number[],
  voters: RoundSettings['voters'],
): { personId: number; branchId: number }[] {
  const active = new Set(branchIds);
  const out: { personId: number; branchId: number }[] = [];
  for (const p of people) {
    const mine = new Set<number>();
    if (voters.leaders && p.isLeader) for (const b of branchIds) mine.add(b);
    if (voters.members && p.isMember && p.branchId !== null && active.has(p.branchId)) mine.add(p.branchId);
    if (voters.secretaries) for (const b of p.secretaryOf) if (active.has(b)) mine.add(b);
    for (const b of [...mine].sort((x, y) => x - y)) out.push({ personId: p.id, branchId: b });
  }
  return out;
}

// A ballot.

/** The grade chosen for each question, by code. */
export type Answers = Record<string, string>;

/** One block per question in the modal and on the public page. */
export const questionBlock = (code: string) => `q_${code}`;

/**
 * A ballot's answers, checked against the round: every question answered with a grade it offers.
 * `pick` reads the grade chosen for a question (a radio button's value, a form field).
 */
export function checkAnswers(
  settings: Pick<RoundSettings, 'questions' | 'grades'>,
  pick: (question: string) => string | undefined,
): { ok: true; value: Answers } | { ok: false; errors: FieldErrors } {
  const grades = new Set(settings.grades.map((g) => g.code));
  const errors: FieldErrors = {};
  const value: Answers = {};
  for (const q of settings.questions) {
    const chosen = pick(q.code)?.trim() ?? '';
    if (chosen === '') errors[questionBlock(q.code)] = { key: 'evaluation.error.unanswered' };
    else if (!grades.has(chosen)) errors[questionBlock(q.code)] = { key: 'evaluation.error.grade' };
    else value[q.code] = chosen;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** The ballot modal's answers. */
export function parseBallotForm(settings: Pick<RoundSettings, 'questions' | 'grades'>, state: ViewState) {
  return checkAnswers(settings, (q) => fieldOf(state, questionBlock(q))?.selected_option?.value ?? undefined);
}

// The public's codes.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 128 random bits as 26 Crockford base-32 characters (no I, L, O, U: nothing to misread on a slip). */
export function encodeCode(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error('a ballot code is 16 random bytes');
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return out;
}

/** A code as typed or scanned: case, spaces and dashes ignored, the look-alikes read as Crockford does; null when it cannot be one. */
export function normaliseCode(text: string): string | null {
  const code = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(code) ? code : null;
}

/** How a slip prints a code: five groups, easy to read aloud and to type. */
export function groupedCode(code: string): string {
  return code.match(/.{1,6}/g)?.join('-') ?? code;
}

// Results.

export interface BranchCounts {
  branchId: number;
  /** By source, then question, then grade. */
  counts: Record<string, Record<string, Record<string, number>>>;
  /** The electorate in Slack and the codes printed for the branch. */
  eligible: number;
  /** Ballots cast in Slack and with codes (paper tallies have no electorate to count against). */
  counted: number;
}

export interface BranchResult {
  branch: Branch;
  /** Every ballot of the headline (first) question: Slack, public page and paper. */
  ballots: number;
  eligible: number | null;
  /** Slack and code ballots over the electorate and the codes printed; null without either. */
  turnout: number | null;
  /** The headline question's counts by grade (every grade present, zero when none). */
  counts: Record<string, number>;
  /** Per question, counts by grade, all sources together. */
  byQuestion: Record<string, Record<string, number>>;
  /** The satisfied grades' share of the headline question's ballots; null with no ballot. */
  satisfaction: number | null;
  /** Within the branch's category, by satisfaction, then the first grade's share; null with no ballot. */
  rank: number | null;
  ofInCategory: number;
}

/** The results of a closed round, per branch, ranked within each category (branches in code order). */
export function roundResults(
  settings: Pick<RoundSettings, 'questions' | 'grades'>,
  branches: readonly Branch[],
  rows: readonly BranchCounts[],
): BranchResult[] {
  const byBranch = new Map(rows.map((r) => [r.branchId, r]));
  const headline = settings.questions[0]!.code;
  const top = settings.grades[0]!.code;
  const satisfied = new Set(settings.grades.filter((g) => g.satisfied).map((g) => g.code));
  const results = [...branches]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((branch): BranchResult => {
      const row = byBranch.get(branch.id);
      const byQuestion: Record<string, Record<string, number>> = {};
      for (const q of settings.questions) {
        byQuestion[q.code] = Object.fromEntries(settings.grades.map((g) => [g.code, 0]));
        for (const source of Object.values(row?.counts ?? {}))
          for (const [grade, n] of Object.entries(source[q.code] ?? {}))
            if (grade in byQuestion[q.code]!) byQuestion[q.code]![grade]! += n;
      }
      const counts = byQuestion[headline]!;
      const ballots = Object.values(counts).reduce((s, n) => s + n, 0);
      const yes = Object.entries(counts).reduce((s, [g, n]) => s + (satisfied.has(g) ? n : 0), 0);
      const eligible = row && row.eligible > 0 ? row.eligible : null;
      return {
        branch,
        ballots,
        eligible,
        turnout: eligible === null ? null : (row?.counted ?? 0) / eligible,
        counts,
        byQuestion,
        satisfaction: ballots === 0 ? null : yes / ballots,
        rank: null,
        ofInCategory: 0,
      };
    });
  const categories = new Map<Category, BranchResult[]>();
  for (const r of results) categories.set(r.branch.category, [...(categories.get(r.branch.category) ?? []), r]);
  for (const group of categories.values()) {
    const rated = group.filter((r) => r.satisfaction !== null);
    const key = (r: BranchResult) => [r.satisfaction!, (r.counts[top] ?? 0) / r.ballots];
    rated.sort((a, b) => {
      const [sa, ta] = key(a);
      const [sb, tb] = key(b);
      return sb! - sa! || tb! - ta!;
    });
    rated.forEach((r, i) => {
      const prev = rated[i - 1];
      const same = prev && key(prev).every((v, k) => v === key(r)[k]);
      r.rank = same ? prev.rank : i + 1;
    });
    for (const r of group) r.ofInCategory = rated.length;
  }
  return results;
}

/** The closed evaluation's results, as the export reads them. */
export interface EvaluationExport {
  settings: RoundSettings;
  results: BranchResult[];
}

/** A rate as a whole percentage, the way the office writes it. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

// Reminders.

export interface VoterDue {
  personId: number;
  slackUserId: string;
  locale: string | null;
  /** Branches they may rate and have not. */
  pending: number[];
}

export interface EvaluationMessage {
  kind: 'invite' | 'remind';
  key: string;
  recipient: string;
  locale: string | null;
  pending: number[];
  closes: LocalDate;
}

/**
 * What the evaluation job sends on a working day of the round: the invitation once to every voter
 * with a branch to rate (the first working day the job sees the round open), and a reminder to
 * those who have not voted on the working days `remindDaysBefore` before the close, or the first
 * working day after such a day when that was a day off.
 */
export function planEvaluationMessages(input: {
  round: Pick<Round, 'id' | 'opens' | 'closes'>;
  voters: readonly VoterDue[];
  today: LocalDate;
  calendar: WorkCalendar;
  remindDaysBefore: readonly number[];
  lastRunDate: LocalDate | null;
}): EvaluationMessage[] {
  const { round, today, calendar } = input;
  if (today < round.opens || today > round.closes || !calendar.isWorkday(today)) return [];
  const out: EvaluationMessage[] = [];
  const since = input.lastRunDate && input.lastRunDate >= round.opens ? input.lastRunDate : null;
  const remindDay = input.remindDaysBefore.some((d) => {
    const daysLeft = daysBetween(today, round.closes);
    // Due today, or its day fell between the last run and today (a day off, the process down).
    if (daysLeft === d) return true;
    return since !== null && daysLeft < d && daysBetween(since, round.closes) > d;
  });
  for (const v of input.voters) {
    if (v.pending.length === 0) continue;
    const base = { recipient: v.slackUserId, locale: v.locale, pending: v.pending, closes: round.closes };
    out.push({ kind: 'invite', key: `evaluation:invite:${round.id}:${v.personId}`, ...base });
    if (remindDay && today > round.opens)
      out.push({ kind: 'remind', key: `evaluation:remind:${round.id}:${v.personId}:${today}`, ...base });
  }
  return out;
}

// Hand-counted tallies (`cli evaluation tally --file tallies.csv`).

export interface TallyProblem {
  line: number;
  key: MessageKey;
  params?: Params;
}

/**
 * The tallies file: a header `branch,grade,count` (and optionally `question`, else the first
 * question), one line per branch and grade. Every line is checked before anything is kept: a
 * branch of the roster, a question and a grade of the round, a whole count, no line twice.
 */
export function parseTallies(
  text: string,
  settings: Pick<RoundSettings, 'questions' | 'grades'>,
  branchIds: ReadonlyMap<string, number>,
):
  | { ok: true; lines: { branchId: number; question: string; grade: string; count: number }[] }
  | { ok: false; problems: TallyProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch {
    return { ok: false, problems: [{ line: 1, key: 'evaluation.tally.csv' }] };
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('branch') < 0 || col('grade') < 0 || col('count') < 0)
    return { ok: false, problems: [{ line: 1, key: 'evaluation.tally.header' }] };
  const questions = new Set(settings.questions.map((q) => q.code));
  const grades = new Set(settings.grades.map((g) => g.code));
  const problems: TallyProblem[] = [];
  const seen = new Set<string>();
  const lines: { branchId: number; question: string; grade: string; count: number }[] = [];
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const branchCode = (r[col('branch')] ?? '').toUpperCase();
    const question = col('question') >= 0 && r[col('question')] ? r[col('question')]! : settings.questions[0]!.code;
    const grade = r[col('grade')] ?? '';
    const countText = r[col('count')] ?? '';
    const branchId = branchIds.get(branchCode);
    if (branchId === undefined)
      return problems.push({ line, key: 'evaluation.tally.branch', params: { code: branchCode } });
    if (!questions.has(question))
      return problems.push({
        line,
        key: 'evaluation.tally.question',
        params: { code: question, codes: [...questions].join(', ') },
      });
    if (!grades.has(grade))
      return problems.push({
        line,
        key: 'evaluation.tally.grade',
        params: { code: grade, codes: [...grades].join(', ') },
      });
    if (!/^\d{1,6}$/.test(countText))
      return problems.push({ line, key: 'evaluation.tally.count', params: { count: countText } });
    const key = `${branchId}|${question}|${grade}`;
    if (seen.has(key)) return problems.push({ line, key: 'evaluation.tally.twice' });
    seen.add(key);
    lines.push({ branchId, question, grade, count: Number(countText) });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (lines.length === 0) return { ok: false, problems: [{ line: 2, key: 'evaluation.tally.empty' }] };
  return { ok: true, lines };
}
