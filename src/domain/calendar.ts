import { createRequire } from 'node:module';

/** A local calendar date, 'YYYY-MM-DD'. Never a JS Date: it has no time and no timezone. */
export type LocalDate = string;

/** Local school holidays and extra working days from the plan file; they win over official data. */
export interface CalendarOverrides {
  holidays?: LocalDate[];
  workdays?: LocalDate[];
}

export interface WorkCalendar {
  isWorkday(d: LocalDate): boolean;
  /** Whether the official State Council arrangement for `year` is known (overrides not counted). */
  hasOfficialData(year: number): boolean;
  /** The latest workday <= d. */
  previousWorkday(d: LocalDate): LocalDate;
  /** The earliest workday >= d. */
  nextWorkday(d: LocalDate): LocalDate;
  /** n >= 1: the n-th workday strictly after d; n = 0: nextWorkday(d). */
  addWorkdays(d: LocalDate, n: number): LocalDate;
}

// ---------------------------------------------------------------------------
// Date arithmetic on 'YYYY-MM-DD' strings, done on UTC day numbers so that the
// server's timezone can never shift a date.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

// Planning thousands of items re-parses the same few hundred dates; both directions are memoised.
// The caps only bound memory if something feeds an endless stream of distinct dates.
const MEMO_CAP = 200_000;
const parsedMemo = new Map<string, number>();
const formattedMemo = new Map<number, LocalDate>();

/** Days since 1970-01-01 for a valid LocalDate, or null if malformed or not a real date. */
function toDayNumber(d: string): number | null {
  const hit = parsedMemo.get(d);
  if (hit !== undefined) return hit;
  const n = parseDayNumber(d);
  if (n !== null) {
    if (parsedMemo.size >= MEMO_CAP) parsedMemo.clear();
    parsedMemo.set(d, n);
  }
  return n;
}

function parseDayNumber(d: string): number | null {
  const m = DATE_RE.exec(d);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, day);
  const back = new Date(ms);
  // Date.UTC maps years 0..99 to 1900..1999, and rolls over 2011-02-30; both fail this check.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== day) {
    return null;
  }
  return ms / MS_PER_DAY;
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
function weekdayOf(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

function fromDayNumber(n: number): LocalDate {
  let d = formattedMemo.get(n);
  if (d === undefined) {
    d = new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
    if (formattedMemo.size >= MEMO_CAP) formattedMemo.clear();
    formattedMemo.set(n, d);
  }
  return d;
}

function dayNumber(d: LocalDate): number {
  if (typeof d !== 'string') throw new TypeError(`Expected a date 'YYYY-MM-DD', got ${typeof d}`);
  const n = toDayNumber(d);
  if (n === null) throw new RangeError(`Invalid date '${d}': expected a real date as 'YYYY-MM-DD'`);
  return n;
}

export function isLocalDate(d: unknown): d is LocalDate {
  return typeof d === 'string' && toDayNumber(d) !== null;
}

/** Returns d unchanged, or throws if it is not a real 'YYYY-MM-DD' date. */
export function assertLocalDate(d: string): LocalDate {
  dayNumber(d);
  return d;
}

export function addDays(d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return fromDayNumber(dayNumber(d) + n);
}

/** Calendar days from a to b (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  return weekdayOf(dayNumber(d));
}

export function yearOf(d: LocalDate): number {
  dayNumber(d);
  return Number(d.slice(0, 4));
}

// ---------------------------------------------------------------------------
// Official data.
//
// We read chinese-days' prebuilt JSON rather than calling its isWorkday(): the library builds its
// tables at load time by parsing date strings as UTC and formatting them in local time, so on a
// server west of UTC every holiday shifts one day earlier (in America/New_York it reports
// 2011-10-07 as a working day). Its UMD bundle also exposes no named ESM exports under plain Node.

interface OfficialData {
  holidays: ReadonlySet<LocalDate>;
  workdays: ReadonlySet<LocalDate>;
  years: ReadonlySet<number>;
}

function readDateKeys(raw: unknown, field: string): Set<LocalDate> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`chinese-days data: '${field}' is not an object`);
  }
  const out = new Set<LocalDate>();
  for (const key of Object.keys(raw)) {
    if (!isLocalDate(key)) throw new Error(`chinese-days data: bad date '${key}' in '${field}'`);
    out.add(key);
  }
  return out;
}

function loadOfficialData(): OfficialData {
  const load = createRequire(import.meta.url);
  const raw: unknown = load('chinese-days/dist/chinese-days.json');
  if (typeof raw !== 'object' || raw === null) throw new Error('chinese-days data: not an object');
  const { holidays, workdays } = raw as { holidays?: unknown; workdays?: unknown };
  const h = readDateKeys(holidays, 'holidays');
  const w = readDateKeys(workdays, 'workdays');
  // A year "has data" when the State Council arrangement for it was published, which always
  // declares holidays (New Year's Day, Spring Festival, National Day …). Make-up workdays are not
  // used for this: 2011-12-31 is a make-up day that belongs to the 2012 arrangement.
  const years = new Set<number>();
  for (const d of h) years.add(Number(d.slice(0, 4)));
  return { holidays: h, workdays: w, years };
}

// A cache: the package's holiday data is read on first use and never changes while the process runs.
let official: OfficialData | undefined;
function officialData(): OfficialData {
  official ??= loadOfficialData();
  return official;
}

/** The years covered by the official holiday data, ascending (2004–2026 in chinese-days 1.5.7). */
export function officialDataYears(): number[] {
  return [...officialData().years].sort((a, b) => a - b);
}

/**
 * The years among `years` with no official holiday data, ascending and without duplicates,
 * so that the scheduler can tell admins once that those years fall back to Monday–Friday.
 */
export function yearsWithoutData(years: Iterable<number>): number[] {
  const known = officialData().years;
  const missing = new Set<number>();
  for (const y of years) {
    if (!Number.isInteger(y)) throw new RangeError(`Invalid year ${y}`);
    if (!known.has(y)) missing.add(y);
  }
  return [...missing].sort((a, b) => a - b);
}

/** The calendar years touched by the range [from, to] (inclusive), ascending. */
export function yearsInRange(from: LocalDate, to: LocalDate): number[] {
  const a = yearOf(from);
  const b = yearOf(to);
  const out: number[] = [];
  for (let y = a; y <= b; y++) out.push(y);
  return out;
}

// ---------------------------------------------------------------------------

/** Guards the workday searches against overrides that make every day a holiday. */
const MAX_SEARCH_DAYS = 3660;

export function createWorkCalendar(overrides: CalendarOverrides = {}): WorkCalendar {
  const data = officialData();
  const extraHolidays = new Set<LocalDate>();
  const extraWorkdays = new Set<LocalDate>();
  for (const d of overrides.holidays ?? []) extraHolidays.add(assertLocalDate(d));
  for (const d of overrides.workdays ?? []) {
    assertLocalDate(d);
    if (extraHolidays.has(d)) {
      throw new Error(`Calendar override ${d} is listed both as a holiday and as a workday`);
    }
    extraWorkdays.add(d);
  }

  const workdayMemo = new Map<LocalDate, boolean>();
  const previousMemo = new Map<LocalDate, LocalDate>();
  const nextMemo = new Map<LocalDate, LocalDate>();

  function isWorkday(d: LocalDate): boolean {
    const hit = workdayMemo.get(d);
    if (hit !== undefined) return hit;
    const n = dayNumber(d);
    let result: boolean;
    if (extraHolidays.has(d)) result = false;
    else if (extraWorkdays.has(d)) result = true;
    else if (data.workdays.has(d)) result = true;
    else if (data.holidays.has(d)) result = false;
    else {
      // No entry: an ordinary day, or a year without data; either way Monday–Friday work.
      result = weekdayOf(n) <= 5;
    }
    workdayMemo.set(d, result);
    return result;
  }

  function search(d: LocalDate, step: 1 | -1): LocalDate {
    const start = dayNumber(d);
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const candidate = fromDayNumber(start + i * step);
      if (isWorkday(candidate)) return candidate;
    }
    throw new Error(`No workday within ${MAX_SEARCH_DAYS} days ${step > 0 ? 'after' : 'before'} ${d}`);
  }

  function previousWorkday(d: LocalDate): LocalDate {
    let hit = previousMemo.get(d);
    if (hit === undefined) {
      hit = search(d, -1);
      previousMemo.set(d, hit);
    }
    return hit;
  }

  function nextWorkday(d: LocalDate): LocalDate {
    let hit = nextMemo.get(d);
    if (hit === undefined) {
      hit = search(d, 1);
      nextMemo.set(d, hit);
    }
    return hit;
  }

  function addWorkdays(d: LocalDate, n: number): LocalDate {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`addWorkdays: n must be an integer >= 0, got ${n}`);
    }
    if (n === 0) return nextWorkday(d);
    let current = d;
    for (let i = 0; i < n; i++) current = nextWorkday(addDays(current, 1));
    return current;
  }

  return {
    isWorkday,
    hasOfficialData: (year: number) => data.years.has(year),
    previousWorkday,
    nextWorkday,
    addWorkdays,
  };
}
