import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/domain/calendar.js';
import { evidenceOf, parseReportForm } from '../../src/domain/report-form.js';
import {
  canChangeReport,
  canWithdrawReport,
  parseExtensionForm,
  parseReviewForm,
  PromptValueSchema,
  reviewVerdict,
  snoozeUntil,
} from '../../src/domain/reporting.js';

const report = (status: 'submitted' | 'accepted' | 'returned' | 'withdrawn', submittedBy = 1) => ({
  status,
  submittedBy,
  version: 2,
  reviewedBy: status === 'accepted' || status === 'returned' ? 9 : null,
});

describe('who may change a report', () => {
  it('when the author changes a report waiting for review or returned, then it is allowed', () => {
    expect(canChangeReport(report('submitted'), 1, [1, 2])).toEqual({ ok: true });
    expect(canChangeReport(report('returned'), 1, [1])).toEqual({ ok: true });
  });

  it('when a leader has accepted it, then nobody may change it', () => {
    expect(canChangeReport(report('accepted'), 1, [1])).toEqual({ ok: false, reason: 'reviewed' });
  });

  it('when another secretary of the branch tries, then only the author may, unless the author left the branch', () => {
    expect(canChangeReport(report('submitted', 1), 2, [1, 2])).toEqual({ ok: false, reason: 'not_author' });
    expect(canChangeReport(report('submitted', 1), 2, [2])).toEqual({ ok: true });
  });

  it('when the report was withdrawn, then anyone who may report may report again, but it cannot be withdrawn twice', () => {
    expect(canChangeReport(report('withdrawn', 1), 2, [1, 2])).toEqual({ ok: true });
    expect(canWithdrawReport(report('withdrawn', 1), 1, [1])).toEqual({ ok: false, reason: 'withdrawn' });
  });
});

describe('a review', () => {
  it('when the report waits at the version read, then it applies; at another version it is stale', () => {
    expect(reviewVerdict(report('submitted'), { leaderId: 9, decision: 'accept', version: 2 })).toBe('apply');
    expect(reviewVerdict(report('submitted'), { leaderId: 9, decision: 'accept', version: 1 })).toBe('stale');
  });

  it('when the same review comes twice, then it is a duplicate; a different one is refused', () => {
    expect(reviewVerdict(report('accepted'), { leaderId: 9, decision: 'accept', version: 2 })).toBe('duplicate');
    expect(reviewVerdict(report('accepted'), { leaderId: 9, decision: 'return', version: 2 })).toBe('already_reviewed');
    expect(reviewVerdict(report('returned'), { leaderId: 8, decision: 'return', version: 2 })).toBe('already_reviewed');
    expect(reviewVerdict(report('withdrawn'), { leaderId: 9, decision: 'accept', version: 2 })).toBe('withdrawn');
  });

  it('when returning without a comment, then the comment is required; accepting needs none', () => {
    const state = (decision: string | null, comment: string | null) => ({
      decision: { v: { type: 'radio_buttons', selected_option: decision ? { value: decision } : null } },
      comment: { v: { type: 'plain_text_input', value: comment } },
    });
    expect(parseReviewForm(state('return', ' '))).toEqual({
      ok: false,
      errors: { comment: { key: 'review.error.comment_required' } },
    });
    expect(parseReviewForm(state('accept', null))).toEqual({ ok: true, value: { decision: 'accept', comment: null } });
    expect(parseReviewForm(state('maybe', null))).toEqual({
      ok: false,
      errors: { decision: { key: 'review.error.decision' } },
    });
  });
});

describe('an extension request', () => {
  const state = (d: string | null, r: string | null) => ({
    new_due: { v: { type: 'datepicker', selected_date: d } },
    reason: { v: { type: 'plain_text_input', value: r } },
  });
  const limits = { currentDue: '2011-06-30', latest: '2011-12-31' };

  it('when the date is after the due date and within the plan, then it is accepted', () => {
    expect(parseExtensionForm(state('2011-07-01', ' 理由 '), limits)).toEqual({
      ok: true,
      value: { newDue: '2011-07-01', reason: '理由' },
    });
    expect(parseExtensionForm(state('2011-12-31', 'r'), limits).ok).toBe(true);
  });

  it('when the date is on or before the due date, past the plan or not a date, then the date is marked', () => {
    expect(parseExtensionForm(state('2011-06-30', 'r'), limits)).toMatchObject({
      ok: false,
      errors: { new_due: { key: 'prompts.error.new_due_early' } },
    });
    expect(parseExtensionForm(state('2012-01-01', 'r'), limits)).toMatchObject({
      ok: false,
      errors: { new_due: { key: 'prompts.error.new_due_late' } },
    });
    expect(parseExtensionForm(state('2011-13-01', 'r'), limits)).toMatchObject({
      ok: false,
      errors: { new_due: { key: 'prompts.error.new_due_missing' } },
    });
  });

  it('when the reason is empty or longer than 500 characters, then the reason is marked', () => {
    expect(parseExtensionForm(state('2011-07-01', ''), limits)).toMatchObject({
      ok: false,
      errors: { reason: { key: 'prompts.error.reason_empty' } },
    });
    expect(parseExtensionForm(state('2011-07-01', '字'.repeat(501)), limits)).toMatchObject({
      ok: false,
      errors: { reason: { key: 'prompts.error.reason_long' } },
    });
    expect(parseExtensionForm(state('2011-07-01', '字'.repeat(500)), limits).ok).toBe(true);
  });
});

describe('snoozing', () => {
  it('when snoozed on a Friday, then reminders resume on the next working day, after holidays and plan overrides', () => {
    expect(snoozeUntil(createWorkCalendar(), '2011-06-24')).toBe('2011-06-27');
    expect(snoozeUntil(createWorkCalendar(), '2011-06-03')).toBe('2011-06-07'); // Dragon Boat Festival on 06-06
    expect(snoozeUntil(createWorkCalendar({ holidays: ['2011-06-27'] }), '2011-06-24')).toBe('2011-06-28');
  });

  it('when a prompt value is malformed or carries extra fields, then it is refused', () => {
    expect(PromptValueSchema.safeParse({ o: 3, b: null }).success).toBe(true);
    expect(PromptValueSchema.safeParse({ o: 3, b: 1, admin: true }).success).toBe(false);
    expect(PromptValueSchema.safeParse({ o: -1, b: 1 }).success).toBe(false);
    expect(PromptValueSchema.safeParse({ o: '3', b: 1 }).success).toBe(false);
  });
});

describe('evidence', () => {
  const base = {
    obligation: { v: { type: 'static_select', selected_option: { value: '5' } } },
    held_on: { v: { type: 'datepicker', selected_date: '2011-06-18' } },
    participants: { v: { type: 'number_input', value: '3' } },
    summary: { v: { type: 'plain_text_input', value: 's' } },
  };
  const limits = { today: '2011-06-20', earliest: '2011-01-01', summaryMax: 2000 };

  it('when links come one a line with blanks and repeats, then each distinct link is kept once', () => {
    const form = parseReportForm(
      {
        ...base,
        evidence: { v: { type: 'plain_text_input', value: 'https://a.org/1\n\nhttps://a.org/1\r\nhttp://b.org/' } },
      },
      limits,
    );
    expect(form).toMatchObject({ ok: true, value: { links: ['https://a.org/1', 'http://b.org/'] } });
  });

  it('when links are written in different ways, then each is stored as its normalised address (new URL().href), and two ways of writing one address are one link', () => {
    const form = parseReportForm(
      {
        ...base,
        evidence: {
          v: {
            type: 'plain_text_input',
            value:
              'HTTPS://WWW.Gov.CN/a b\nhttps://www.gov.cn/a%20b\nhttps://evil.example/x|https://www.gov.cn/notice>',
          },
        },
        files: {
          v: {
            type: 'file_input',
            files: [
              { id: 'F0AB', name: 'a.jpg', permalink: 'https://Acme.slack.com/files/U0/F0AB/演讲 比赛.jpg' },
              { id: 'F0CD', name: 'b.jpg', permalink: 'javascript:alert(1)' },
            ],
          },
        },
      },
      limits,
    );
    expect(form).toMatchObject({
      ok: true,
      value: {
        links: ['https://www.gov.cn/a%20b', 'https://evil.example/x|https://www.gov.cn/notice%3E'],
        files: [
          {
            fileId: 'F0AB',
            permalink: 'https://acme.slack.com/files/U0/F0AB/%E6%BC%94%E8%AE%B2%20%E6%AF%94%E8%B5%9B.jpg',
          },
          { fileId: 'F0CD', permalink: null },
        ],
      },
    });
  });

  it('when a link is not http(s) or has no host, then the line is named', () => {
    expect(
      parseReportForm(
        { ...base, evidence: { v: { type: 'plain_text_input', value: 'https://a.org\njavascript:alert(1)' } } },
        limits,
      ),
    ).toMatchObject({ ok: false, errors: { evidence: { key: 'report.error.url_line', params: { line: 2 } } } });
    expect(
      parseReportForm({ ...base, evidence: { v: { type: 'plain_text_input', value: 'https://localhost/x' } } }, limits),
    ).toMatchObject({ ok: false });
  });

  it('when files are kept from the edited report, then only files that report had are kept, and at most five in all', () => {
    const previous = [
      { type: 'file' as const, fileId: 'F1', permalink: null, name: 'a' },
      { type: 'link' as const, url: 'https://old.org' },
    ];
    const newFile = { type: 'file' as const, fileId: 'F2', permalink: null, name: 'b' };
    expect(evidenceOf({ links: [], files: [newFile], keepFileIds: ['F1', 'F9'] }, previous)).toEqual({
      ok: true,
      value: [previous[0], newFile],
    });
    const many = Array.from({ length: 5 }, (_, i) => ({
      type: 'file' as const,
      fileId: `F${i + 10}`,
      permalink: null,
      name: null,
    }));
    expect(evidenceOf({ links: [], files: many, keepFileIds: ['F1'] }, previous)).toMatchObject({
      ok: false,
      errors: { files: { key: 'report.error.files' } },
    });
  });
});
