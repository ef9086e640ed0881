import { z } from 'zod';

/** What `/pacesetter …` asks for. Every word comes from the client, so each is checked here. */
export type PacesetterRequest =
  | { kind: 'help' }
  | { kind: 'notice'; source: NoticeSource }
  | { kind: 'notices' }
  | { kind: 'exempt'; branch: string; obligation: string; reason: string }
  | { kind: 'unexempt'; branch: string; obligation: string; reason: string | null }
  | { kind: 'export'; year: number | null }
  | { kind: 'invalid'; usage: 'exempt' | 'unexempt' | 'export' | 'help' };

/** What a notice is drafted from: the branches overdue (the default), or the year-end assessment. */
export type NoticeSource = 'overdue' | 'assessment';

export const EXEMPT_REASON_MAX = 500;

const TextSchema = z.string().max(1000);
const CodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,23}$/)
  .transform((s) => s.toUpperCase());
const YearSchema = z.coerce.number().int().min(2000).max(2100);
const ReasonSchema = z.string().trim().min(1).max(EXEMPT_REASON_MAX);

export function parsePacesetterText(text: unknown): PacesetterRequest {
  const parsed = TextSchema.safeParse(text ?? '');
  if (!parsed.success) return { kind: 'invalid', usage: 'help' };
  const trimmed = parsed.data.trim();
  const [head = '', ...rest] = trimmed.split(/\s+/);
  const sub = head.toLowerCase();
  if (sub === '' || sub === 'help') return { kind: 'help' };
  if (sub === 'notice' && rest.length === 0) return { kind: 'notice', source: 'overdue' };
  if (sub === 'notice' && rest.length === 1 && ['assessment', '考核', '年终考核'].includes(rest[0]!.toLowerCase()))
    return { kind: 'notice', source: 'assessment' };
  if (sub === 'notices' && rest.length === 0) return { kind: 'notices' };
  if (sub === 'exempt' || sub === 'unexempt') {
    const [branch, code, ...reasonWords] = rest;
    const obligation = CodeSchema.safeParse(code);
    const reasonText = reasonWords.join(' ');
    if (!branch || !obligation.success) return { kind: 'invalid', usage: sub };
    if (sub === 'unexempt') {
      if (reasonText === '') return { kind: 'unexempt', branch, obligation: obligation.data, reason: null };
      const reason = ReasonSchema.safeParse(reasonText);
      return reason.success
        ? { kind: 'unexempt', branch, obligation: obligation.data, reason: reason.data }
        : { kind: 'invalid', usage: sub };
    }
    const reason = ReasonSchema.safeParse(reasonText);
    return reason.success
      ? { kind: 'exempt', branch, obligation: obligation.data, reason: reason.data }
      : { kind: 'invalid', usage: sub };
  }
  if (sub === 'export') {
    if (rest.length === 0) return { kind: 'export', year: null };
    const year = YearSchema.safeParse(rest[0]);
    return rest.length === 1 && year.success
      ? { kind: 'export', year: year.data }
      : { kind: 'invalid', usage: 'export' };
  }
  return { kind: 'invalid', usage: 'help' };
}
