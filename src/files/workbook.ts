import { PassThrough } from 'node:stream';
import type { ExportData } from '../../db/queries/export.js';
import { daysBetween } from '../domain/calendar.js';
import type { ScoreLine } from '../domain/scoring.js';
import type { LocalDate } from '../domain/types.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { stateLabel } from '../ui/rankings.js';
import { assessmentTables } from './workbook-assessment.js';
import { campaignTables } from './workbook-campaign.js';
import { minuteFormat } from '../ui/minute-format.js';
import { evaluationTable } from './workbook-evaluation.js';
import { commitmentTables } from './workbook-commitments.js';

export type Cell = string | number | null;

/** One sheet of the workbook, or one CSV file. */
export interface Table {
  /** A file-safe name for the CSV variant. */
  key:
    | 'branches'
    | 'matrix'
    | 'reports'
    | 'papers'
    | 'exemptions'
    | 'extensions'
    | 'projects'
    | 'commendations'
    | 'evaluation'
    | 'commitment-rates'
    | 'commitments'
    | 'assessment'
    | 'summary'
    | 'inspections';
  name: string;
  headers: string[];
  rows: Cell[][];
  /** Column widths in characters, for the workbook. */
  widths: number[];
}

/**
 * Instants shown in the plan's timezone, to the minute. Intl rather than luxon here: a year's
 * export formats tens of thousands of times, and the Swedish locale writes `2011-05-12 11:00`.
 */
function localTimeFormatter(timezone: string): (iso: string | null) => string | null {
  const format = minuteFormat(timezone);
  return (iso) => (iso === null ? null : format.format(new Date(iso)));
}

/**
 * The matrix cell: the state, with the date it was reported, or the days left or overdue. The row
 * above the branches holds each task's due date, so a cell names a date only when the branch's own
 * differs (an extension). Overdue days count up to `countTo`, the plan's end at the latest.
 */
function matrixCell(
  line: ScoreLine,
  planDue: LocalDate,
  submittedAt: string | null,
  localTime: (iso: string) => string | null,
  locale: Locale,
  countTo: LocalDate,
): string {
  let label = stateLabel(line, locale);
  if (line.state === 'overdue') {
    const days = daysBetween(line.due, countTo);
    // Due on the plan's last day and exported after it: overdue, but by no day within the plan.
    label = days > 0 ? t(locale, 'common.state.overdue', { days }) : t(locale, 'leaders.col.overdue');
  }
  if ((line.state === 'done_on_time' || line.state === 'done_late' || line.state === 'returned') && submittedAt) {
    return `${label} ${localTime(submittedAt)!.slice(0, 10)}`;
  }
  if (line.state === 'exempt' || line.due === planDue) return label;
  return `${label} · ${t(locale, 'progress.item.extended', { due: line.due, original: planDue })}`;
}

/** The workbook's content, shared by the XLSX and the CSV variants. Headers in the reader's language. */
export function exportTables(data: ExportData, locale: Locale): Table[] {
  const localTime = localTimeFormatter(data.plan.timezone);
  const h = (key: string) => t(locale, `leaders.col.${key}` as MessageKey);
  const category = (c: string) => t(locale, `common.category.${c}` as MessageKey);
  const yesNo = (b: boolean) => t(locale, b ? 'leaders.yes' : 'leaders.no');
  const status = (s: string) => t(locale, `leaders.status.${s}` as MessageKey);
  const branchById = new Map(data.branches.map((b) => [b.id, b]));
  const obligationById = new Map(data.obligations.map((o) => [o.id, o]));
  const count = (lines: readonly ScoreLine[], states: ScoreLine['state'][]) =>
    lines.filter((l) => states.includes(l.state)).length;

  const branches: Table = {
    key: 'branches',
    name: t(locale, 'leaders.sheet.branches'),
    headers: [
      'rank',
      'rank_in_category',
      'code',
      'name',
      'category',
      'score',
      'earned',
      'possible',
      'on_time',
      'late',
      'overdue',
      'returned',
      'exempt',
    ].map(h),
    widths: [8, 10, 12, 24, 14, 8, 10, 10, 8, 8, 8, 8, 8],
    rows: data.ranked.map((r) => [
      r.rank,
      r.rankInCategory,
      r.branch.code,
      r.branch.name,
      category(r.branch.category),
      r.score.score,
      r.score.earned,
      r.score.possible,
      count(r.score.lines, ['done_on_time']),
      count(r.score.lines, ['done_late']),
      count(r.score.lines, ['overdue']),
      count(r.score.lines, ['returned']),
      count(r.score.lines, ['exempt']),
    ]),
  };

  const reportOf = new Map(data.reports.map((r) => [`${r.branchId}:${r.obligationId}`, r]));
  // The branches' tasks: reported, and computed from data (kind: commitments). A rectification task
  // is one branch's: a column each would widen the matrix by every inspection's tasks (a thousand
  // columns, nearly all empty); they are in the reports and inspections sheets.
  const reportObligations = data.obligations.filter((o) => o.kind !== 'paper' && o.appliesTo.kind !== 'branch');
  // A plan exported after its end (a 2011 plan read in 2026) counts overdue days to its last day, not to the export.
  const countTo = data.today < data.plan.ends ? data.today : data.plan.ends;
  const matrix: Table = {
    key: 'matrix',
    name: t(locale, 'leaders.sheet.matrix'),
    headers: [
      h('code'),
      h('name'),
      h('category'),
      ...reportObligations.map((o) => `${o.code} ${pick(o.title, locale)}`),
    ],
    widths: [12, 24, 14, ...reportObligations.map(() => 22)],
    rows: [
      [h('due'), null, null, ...reportObligations.map((o) => o.due)],
      ...[...data.ranked]
        .sort((a, b) => a.branch.code.localeCompare(b.branch.code))
        .map((r) => {
          const lines = new Map(r.score.lines.map((l) => [l.obligation.id, l]));
          return [
            r.branch.code,
            r.branch.name,
            category(r.branch.category),
            ...reportObligations.map((o) => {
              const line = lines.get(o.id);
              if (!line) return null;
              const submittedAt = reportOf.get(`${r.branch.id}:${o.id}`)?.submittedAt ?? null;
              return matrixCell(line, o.due, submittedAt, localTime, locale, countTo);
            }),
          ];
        }),
    ],
  };

  const reports: Table = {
    key: 'reports',
    name: t(locale, 'leaders.sheet.reports'),
    headers: [
      'code',
      'name',
      'obligation',
      'title',
      'status',
      'on_time',
      'held_on',
      'participants',
      'submitted_at',
      'reviewed_at',
      'comment',
      'version',
      'summary',
    ].map(h),
    widths: [12, 24, 16, 30, 10, 8, 12, 10, 17, 17, 24, 8, 50],
    rows: data.reports
      .map((r) => ({ r, b: branchById.get(r.branchId), o: obligationById.get(r.obligationId) }))
      .filter((x) => x.b !== undefined && x.o !== undefined)
      .sort((x, y) => x.b!.code.localeCompare(y.b!.code) || x.o!.position - y.o!.position)
      .map(({ r, b, o }) => [
        b!.code,
        b!.name,
        o!.code,
        pick(o!.title, locale),
        status(r.status),
        yesNo(r.onTime),
        r.heldOn,
        r.participants,
        localTime(r.submittedAt),
        localTime(r.reviewedAt),
        r.reviewComment,
        r.version,
        r.summary,
      ]),
  };

  const papers: Table = {
    key: 'papers',
    name: t(locale, 'leaders.sheet.papers'),
    headers: ['author', 'code', 'kind', 'title', 'status', 'excellent', 'on_time', 'submitted_at', 'link'].map(h),
    widths: [12, 12, 14, 40, 10, 8, 8, 17, 40],
    rows: data.papers.map((p) => [
      p.authorName,
      p.branchCode,
      t(locale, `paper.kind.${p.kind}` as MessageKey),
      p.title,
      status(p.status),
      yesNo(p.excellent),
      yesNo(p.onTime),
      localTime(p.submittedAt),
      p.link,
    ]),
  };

  const exemptions: Table = {
    key: 'exemptions',
    name: t(locale, 'leaders.sheet.exemptions'),
    headers: ['code', 'name', 'obligation', 'reason', 'granted_by', 'granted_at', 'revoked_at'].map(h),
    widths: [12, 24, 16, 40, 12, 17, 17],
    rows: data.exemptions.map((e) => [
      branchById.get(e.branchId)?.code ?? null,
      branchById.get(e.branchId)?.name ?? null,
      obligationById.get(e.obligationId)?.code ?? null,
      e.reason,
      data.people.get(e.grantedBy) ?? null,
      localTime(e.grantedAt),
      localTime(e.revokedAt),
    ]),
  };

  const extensions: Table = {
    key: 'extensions',
    name: t(locale, 'leaders.sheet.extensions'),
    headers: ['code', 'name', 'obligation', 'requested_at', 'new_due', 'reason', 'status', 'decided_at'].map(h),
    widths: [12, 24, 16, 17, 12, 40, 10, 17],
    rows: data.extensions.map((e) => [
      branchById.get(e.branchId)?.code ?? null,
      branchById.get(e.branchId)?.name ?? null,
      obligationById.get(e.obligationId)?.code ?? null,
      localTime(e.requestedAt),
      e.newDue,
      e.reason,
      status(e.status),
      localTime(e.decidedAt),
    ]),
  };

  const campaign = campaignTables(data.campaign, data.plan.settings, locale, localTime);
  // The evaluation's sheet once its round has closed (its counts are not shown before).
  const evaluation = data.evaluation ? [evaluationTable(data.evaluation, locale)] : [];
  const commitments = data.plan.settings.commitments
    ? commitmentTables(data.commitments, data.branches, locale, localTime)
    : [];
  return [
    branches,
    matrix,
    reports,
    papers,
    exemptions,
    extensions,
    ...campaign,
    ...commitments,
    ...evaluation,
    ...assessmentTables(data, locale),
  ];
}

/** Characters as wide as a spreadsheet column counts them: a Chinese character takes two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! >= 0x2e80 ? 2 : 1;
  return width;
}

/** Lines the header row needs when each header wraps within its column (task columns carry their titles). */
function headerLines(table: Table): number {
  return Math.max(1, ...table.headers.map((hd, i) => Math.ceil(displayWidth(hd) / (table.widths[i] ?? 14))));
}

/**
 * The XLSX workbook: one sheet a table, header row bold, wrapped and frozen. Written with ExcelJS's
 * streaming writer, row by row and without a shared-strings table: a year's workbook is written
 * several times faster than through the in-memory model.
 */
export async function toXlsx(tables: readonly Table[], meta: { title: string; created: Date }): Promise<Buffer> {
  // ExcelJS takes about a quarter of a second to load and only an export uses it: not at every start.
  const { default: ExcelJS } = await import('exceljs');
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  wb.creator = 'Pacesetter';
  wb.title = meta.title;
  wb.created = meta.created;
  for (const table of tables) {
    // Excel sheet names: at most 31 characters, none of : \ / ? * [ ].
    const ws = wb.addWorksheet(table.name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    ws.columns = table.headers.map((header, i) => ({ header, width: table.widths[i] ?? 14 }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'top' };
    // The height is set rather than left to the reader to fit: not every spreadsheet program does on opening.
    const lines = headerLines(table);
    if (lines > 1) header.height = 15 * lines;
    header.commit();
    for (const row of table.rows) ws.addRow(row).commit();
    ws.commit();
  }
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

/** A spreadsheet program would run a cell starting with = + - @ as a formula: quote it. */
function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a byte-order mark, so that Excel reads the Chinese as UTF-8. */
export function toCsv(table: Table): string {
  const lines = [table.headers, ...table.rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function workbookFilename(year: number, today: string): string {
  return `pacesetter-${year}-${today}.xlsx`;
}
