import { describe, expect, it } from 'vitest';
import {
  canReview,
  canRevise,
  paperChecklist,
  paperOnTime,
  parsePaperForm,
  paperReviewVerdict,
  parsePaperReviewForm,
  type Paper,
} from '../../src/domain/papers.js';
import type { Obligation } from '../../src/domain/types.js';
import { anObligation } from '../helpers/fixtures.js';

const ob = (over: Partial<Obligation>): Obligation =>
  anObligation(1, 'A09-PAPER', '2011-11-30', {
    title: { zh: '论文', en: 'Paper' },
    kind: 'paper',
    paperKinds: ['party_paper', 'typical_case', 'success_story'],
    appliesTo: { kind: 'ranks', ranks: ['school_cadre'] },
    position: 13,
    ...over,
  });
const RESEARCH = ob({
  id: 2,
  code: 'A09-RESEARCH',
  paperKinds: ['research_report'],
  appliesTo: { kind: 'ranks', ranks: ['division_leader'] },
  position: 12,
});
const PAPER = ob({});
const REPORT_OB = ob({ id: 3, code: 'A01-EVENT', kind: 'report', paperKinds: [], appliesTo: { kind: 'all' } });
const PLAN = [REPORT_OB, RESEARCH, PAPER];

const paper = (over: Partial<Paper>): Paper => ({
  id: 1,
  planId: 1,
  authorId: 7,
  kind: 'party_paper',
  title: 't',
  abstract: 'a',
  link: 'https://example.org/p',
  fileId: null,
  filePermalink: null,
  coauthors: [],
  status: 'submitted',
  excellent: false,
  submittedAt: '2011-06-01T00:00:00.000Z',
  onTime: true,
  reviewedBy: null,
  reviewedAt: null,
  reviewComment: null,
  version: 1,
  ...over,
});

describe('what a person owes in papers', () => {
  it('when the person is a school cadre, then only the paper-case-story obligation applies', () => {
    const items = paperChecklist({ obligations: PLAN, rank: 'school_cadre', papers: [], today: '2011-06-20' });
    expect(items.map((i) => [i.obligation.code, i.state, i.daysLeft])).toEqual([['A09-PAPER', 'open', 163]]);
  });

  it('when the person is a division-level leader, then a research report is owed', () => {
    expect(
      paperChecklist({ obligations: PLAN, rank: 'division_leader', papers: [], today: '2011-06-20' }).map(
        (i) => i.obligation.code,
      ),
    ).toEqual(['A09-RESEARCH']);
  });

  it('when the rank owes nothing or is unknown, then nothing is owed', () => {
    expect(paperChecklist({ obligations: PLAN, rank: 'member', papers: [], today: '2011-06-20' })).toEqual([]);
    expect(paperChecklist({ obligations: PLAN, rank: null, papers: [], today: '2011-06-20' })).toEqual([]);
  });

  it('when a paper of a kind that does not count was sent, then the obligation stays open', () => {
    const items = paperChecklist({
      obligations: PLAN,
      rank: 'school_cadre',
      papers: [paper({ kind: 'research_report' })],
      today: '2011-06-20',
    });
    expect(items[0]!.state).toBe('open');
  });

  it('when a counting paper waits for review or was accepted, then it is done on time or late as submitted', () => {
    expect(
      paperChecklist({ obligations: PLAN, rank: 'school_cadre', papers: [paper({})], today: '2011-06-20' })[0]!.state,
    ).toBe('done_on_time');
    expect(
      paperChecklist({
        obligations: PLAN,
        rank: 'school_cadre',
        papers: [paper({ status: 'accepted', onTime: false })],
        today: '2011-12-20',
      })[0]!.state,
    ).toBe('done_late');
  });

  it('when the only paper was returned, then it is returned, not done, until resubmitted', () => {
    expect(
      paperChecklist({
        obligations: PLAN,
        rank: 'school_cadre',
        papers: [paper({ status: 'returned' })],
        today: '2011-12-20',
      })[0]!.state,
    ).toBe('returned');
  });

  it('when one paper was returned and another accepted, then the accepted one counts', () => {
    const items = paperChecklist({
      obligations: PLAN,
      rank: 'school_cadre',
      papers: [paper({ id: 1, status: 'returned' }), paper({ id: 2, status: 'accepted', kind: 'typical_case' })],
      today: '2011-06-20',
    });
    expect([items[0]!.state, items[0]!.paper!.id]).toEqual(['done_on_time', 2]);
  });

  it('when nothing was sent after the due date, then it is overdue', () => {
    const [item] = paperChecklist({
      obligations: PLAN,
      rank: 'school_cadre',
      papers: [paper({ status: 'withdrawn' })],
      today: '2011-12-02',
    });
    expect([item!.state, item!.daysLeft]).toEqual(['overdue', -2]);
  });
});

describe('when a paper is on time', () => {
  it('when it comes on the due date in the plan timezone, then it is on time; the next day it is late', () => {
    const at = (iso: string) =>
      paperOnTime({
        obligations: PLAN,
        rank: 'school_cadre',
        kind: 'party_paper',
        at: new Date(iso),
        timezone: 'Asia/Shanghai',
      });
    expect(at('2011-11-30T23:30:00+08:00')).toBe(true);
    expect(at('2011-12-01T00:30:00+08:00')).toBe(false);
  });

  it('when no obligation asks for it, then a voluntary paper is on time', () => {
    expect(
      paperOnTime({
        obligations: PLAN,
        rank: 'member',
        kind: 'success_story',
        at: new Date('2011-12-31T00:00:00Z'),
        timezone: 'Asia/Shanghai',
      }),
    ).toBe(true);
  });
});

describe('the paper form', () => {
  const state = (v: Record<string, unknown>) => ({
    kind: {
      value: { type: 'static_select', selected_option: v.kind === undefined ? null : { value: v.kind as string } },
    },
    title: { value: { type: 'plain_text_input', value: (v.title as string) ?? null } },
    abstract: { value: { type: 'plain_text_input', value: (v.abstract as string) ?? null } },
    link: { value: { type: 'url_text_input', value: (v.link as string) ?? null } },
    file: { value: { type: 'file_input', files: (v.files as { id: string }[]) ?? [] } },
    coauthors: { value: { type: 'multi_users_select', selected_users: (v.coauthors as string[]) ?? [] } },
  });

  it('when every field is good, then the values come back trimmed, without the author among co-authors', () => {
    const r = parsePaperForm(
      state({
        kind: 'typical_case',
        title: ' T ',
        abstract: ' A ',
        link: 'https://example.org/x',
        coauthors: ['U1', 'U0ME', 'U0ME'],
      }),
      'U1',
    );
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'typical_case',
        title: 'T',
        abstract: 'A',
        link: 'https://example.org/x',
        file: null,
        coauthors: ['U0ME'],
      },
    });
  });

  it('when the link is written loosely, then it is stored as its normalised address; a javascript: or file: link is refused', () => {
    const r = parsePaperForm(
      state({ kind: 'party_paper', title: 't', abstract: 'a', link: ' HTTPS://Example.ORG/论文 1.pdf ' }),
      'U1',
    );
    expect(r.ok && r.value.link).toBe('https://example.org/%E8%AE%BA%E6%96%87%201.pdf');
    for (const link of ['javascript:alert(1)//example.org', 'file:///etc/passwd', 'https://localhost/x']) {
      const bad = parsePaperForm(state({ kind: 'party_paper', title: 't', abstract: 'a', link }), 'U1');
      expect(bad.ok ? null : bad.errors.link).toEqual({ key: 'report.error.url' });
    }
  });

  it('when a kind is not one of the four, then the kind is refused', () => {
    const r = parsePaperForm(state({ kind: 'poem', title: 't', abstract: 'a', link: 'https://example.org/x' }), 'U1');
    expect(r.ok ? null : Object.keys(r.errors)).toEqual(['kind']);
  });

  it('when a file is attached, then its id, permalink and name are kept and no link is needed', () => {
    const r = parsePaperForm(
      state({
        kind: 'party_paper',
        title: 't',
        abstract: 'a',
        files: [{ id: 'F0AB', permalink: 'https://files.slack.com/F0AB', name: 'p.pdf' }],
      }),
      'U1',
    );
    expect(r.ok && r.value.file).toEqual({ id: 'F0AB', permalink: 'https://files.slack.com/F0AB', name: 'p.pdf' });
  });

  it('when a file id is not a Slack file id, then the file is refused', () => {
    const r = parsePaperForm(
      state({ kind: 'party_paper', title: 't', abstract: 'a', files: [{ id: '../etc/passwd' }] }),
      'U1',
    );
    expect(r.ok ? null : Object.keys(r.errors)).toEqual(['file']);
  });

  it('when there are too many co-authors, then they are refused', () => {
    const many = Array.from({ length: 11 }, (_, i) => `U0C${i}`);
    const r = parsePaperForm(
      state({ kind: 'party_paper', title: 't', abstract: 'a', link: 'https://example.org/x', coauthors: many }),
      'U1',
    );
    expect(r.ok ? null : r.errors.coauthors).toEqual({ key: 'paper.error.coauthors_many', params: { max: 10 } });
  });
});

describe('reviewing and revising', () => {
  const review = (decision: string | null, comment: string | null) => ({
    decision: { value: { type: 'radio_buttons', selected_option: decision ? { value: decision } : null } },
    comment: { value: { type: 'plain_text_input', value: comment } },
  });

  it('when a leader returns a paper, then a comment is required; accepting needs none', () => {
    expect(parsePaperReviewForm(review('return', ' '))).toEqual({
      ok: false,
      errors: { comment: { key: 'paper.error.comment_needed' } },
    });
    expect(parsePaperReviewForm(review('accept', null))).toEqual({
      ok: true,
      value: { decision: 'accept', comment: null },
    });
    expect(parsePaperReviewForm(review('excellent', '好'))).toEqual({
      ok: true,
      value: { decision: 'excellent', comment: '好' },
    });
    expect(parsePaperReviewForm(review('delete', null)).ok).toBe(false);
  });

  it('when a paper was accepted, then it can be neither reviewed again nor revised', () => {
    expect([
      canReview({ status: 'submitted' }),
      canReview({ status: 'accepted' }),
      canReview({ status: 'returned' }),
    ]).toEqual([true, false, false]);
    expect([
      canRevise({ status: 'submitted' }),
      canRevise({ status: 'returned' }),
      canRevise({ status: 'accepted' }),
    ]).toEqual([true, true, false]);
  });

  it('when the author revised a paper after the leader opened it, then the review is stale; the same review twice is a duplicate', () => {
    const by = { leaderId: 5, decision: 'accept' as const };
    expect(paperReviewVerdict(paper({ version: 2 }), { ...by, version: 2 })).toBe('apply');
    expect(paperReviewVerdict(paper({ version: 2 }), { ...by, version: 1 })).toBe('stale');
    const accepted = paper({ status: 'accepted', reviewedBy: 5, version: 2 });
    expect(paperReviewVerdict(accepted, { ...by, version: 2 })).toBe('duplicate');
    expect(paperReviewVerdict(accepted, { ...by, decision: 'excellent', version: 2 })).toBe('already_reviewed');
    expect(paperReviewVerdict(accepted, { ...by, leaderId: 6, version: 2 })).toBe('already_reviewed');
    expect(
      paperReviewVerdict(paper({ status: 'accepted', excellent: true, reviewedBy: 5 }), {
        ...by,
        decision: 'excellent',
        version: 1,
      }),
    ).toBe('duplicate');
    expect(
      paperReviewVerdict(paper({ status: 'returned', reviewedBy: 5 }), { ...by, decision: 'return', version: 1 }),
    ).toBe('duplicate');
    expect(paperReviewVerdict(paper({ status: 'withdrawn' }), { ...by, version: 1 })).toBe('withdrawn');
  });
});
