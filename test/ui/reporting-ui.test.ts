import { describe, expect, it } from 'vitest';
import { branchChecklist } from '../../src/domain/checklist.js';
import type { Branch, Evidence, Obligation, Report } from '../../src/domain/types.js';
import { dueText } from '../../src/ui/due.js';
import { messageModal, modal } from '../../src/ui/limits.js';
import { extensionModal, extensionRequestBlocks, promptButtons } from '../../src/ui/prompt-buttons.js';
import { branchPickerModal, reportModal, reportSavedBlocks } from '../../src/ui/report-modal.js';
import { reportArrivedBlocks, reviewedBlocks, reviewModal } from '../../src/ui/review.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';
import { anObligation, reportModalEditing } from '../helpers/fixtures.js';

describe('the buttons of a reminder', () => {
  it('when built for a branch task, then three buttons carry the task and the branch; for a paper, two', () => {
    const branch = promptButtons('zh-CN', { obligationId: 7, branchId: 3 });
    expect(branch.elements.map((e) => ('action_id' in e ? e.action_id : ''))).toEqual([
      'prompt_report_now',
      'prompt_snooze',
      'prompt_extension',
    ]);
    expect(branch.elements.map((e) => ('value' in e ? JSON.parse(String(e.value)) : null))).toEqual([
      { o: 7, b: 3 },
      { o: 7, b: 3 },
      { o: 7, b: 3 },
    ]);
    const paper = promptButtons('en', { obligationId: 9, branchId: null });
    expect(paper.elements.map((e) => ('text' in e && e.text ? e.text.text : ''))).toEqual([
      'Report now',
      'Remind me tomorrow',
    ]);
  });

  it('when put in a message, then the blocks are valid Block Kit', () => {
    expect(validateBlockKit('message', [promptButtons('zh-CN', { obligationId: 2 ** 31, branchId: 2 ** 31 })])).toEqual(
      [],
    );
  });
});

describe('a due date', () => {
  it('when extended, then the original is shown with it, in both languages', () => {
    expect(dueText('en', '2011-07-15', '2011-06-30')).toBe('due 2011-07-15 (extended from 2011-06-30)');
    expect(dueText('zh-CN', '2011-07-15', '2011-06-30')).toBe('截止 2011-07-15（原定 2011-06-30，已延期）');
    expect(dueText('en', '2011-06-30', '2011-06-30')).toBe('due 2011-06-30');
  });
});

describe('the reporting views at their limits', () => {
  const long = (n: number, c = '长') => c.repeat(n);
  const obligation = (i: number): Obligation =>
    anObligation(i + 1, `A${String(i).padStart(2, '0')}-${'X'.repeat(18)}`, '2011-06-30', {
      activityCode: 'A01',
      title: { zh: long(150), en: long(150, 'w') },
      position: i,
    });
  const files = Array.from({ length: 5 }, (_, i): Evidence => ({
    type: 'file',
    fileId: `F${i}AAAA`,
    permalink: `https://x.slack.com/files/${i}`,
    name: long(300),
  }));
  const links = Array.from({ length: 10 }, (_, i): Evidence => ({
    type: 'link',
    url: `https://example.org/${'p'.repeat(900)}${i}`,
  }));
  const report: Report = {
    id: 1,
    obligationId: 1,
    branchId: 1,
    status: 'returned',
    heldOn: '2011-06-18',
    participants: 100000,
    summary: long(2000, '&'),
    evidence: [...links, ...files],
    submittedBy: 1,
    submittedAt: '2011-06-20T02:00:00.000Z',
    onTime: false,
    reviewedBy: 2,
    reviewedAt: null,
    reviewComment: long(1000),
    version: 3,
  };
  const branch: Branch = { id: 1, code: 'YQ-' + 'Z'.repeat(40), name: long(200), category: 'secondary' };
  const items = branchChecklist({
    obligations: Array.from({ length: 130 }, (_, i) => obligation(i)),
    category: 'secondary',
    reports: [report],
    today: '2011-06-20',
    extendedDue: new Map(Array.from({ length: 20 }, (_, i) => [i + 1, '2011-07-15'])),
  });

  it('when a branch has many long tasks, a long returned report and every file, then the report modal is valid Block Kit', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const branches = Array.from({ length: 120 }, (_, i) => ({ ...branch, id: i + 1 }));
      const view = reportModal(reportModalEditing(locale, { branch, items, branches }, report, long(100)));
      expect(validateBlockKit('modal', view)).toEqual([]);
      expect(validateBlockKit('modal', branchPickerModal({ locale, branches, privateMetadata: '{}' }))).toEqual([]);
    }
  });

  it('when the report is as large as the form allows, then the review modal and the notices are valid Block Kit', () => {
    const card = {
      report,
      obligation: obligation(0),
      branchName: branch.name,
      authorName: long(100),
      due: '2011-07-15',
      originalDue: '2011-06-30',
      submittedLocal: '2011-06-20 10:00',
    };
    expect(validateBlockKit('modal', reviewModal('zh-CN', card, '{"r":1,"v":3}'))).toEqual([]);
    expect(validateBlockKit('message', reportArrivedBlocks('en', long(4000), 2 ** 31))).toEqual([]);
    expect(
      validateBlockKit(
        'message',
        reviewedBlocks('en', { text: long(4000), comment: long(1000), decision: 'return', reportId: 1 }),
      ),
    ).toEqual([]);
    expect(validateBlockKit('message', reportSavedBlocks('zh-CN', long(4000), 1))).toEqual([]);
    expect(validateBlockKit('message', extensionRequestBlocks('zh-CN', long(4000), 1))).toEqual([]);
    expect(
      validateBlockKit(
        'modal',
        extensionModal({
          locale: 'en',
          branchName: long(200),
          obligation: obligation(1),
          due: '2011-07-15',
          originalDue: '2011-06-30',
          privateMetadata: '{}',
        }),
      ),
    ).toEqual([]);
  });
});

describe('the modal frame', () => {
  it('when a title is longer than Slack allows, then all three titles are cut to 24 characters and the view passes the limits', () => {
    const long = '一个非常非常长的标题，比 Slack 允许的二十四个字符还要长得多';
    const view = modal({ callbackId: 'x', privateMetadata: '{}', title: long, submit: long, close: long, blocks: [] });
    for (const part of [view.title, view.submit, view.close]) expect(Array.from(part!.text)).toHaveLength(24);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'x', private_metadata: '{}' });
    expect(validateBlockKit('modal', view)).toEqual([]);
  });

  it('when a modal only says something, then it has a close button, no submit button and no callback id', () => {
    const view = messageModal('Pacesetter', '*没有*可报送的任务', '关闭');
    expect(view.submit).toBeUndefined();
    expect(view.callback_id).toBeUndefined();
    expect(view.close?.text).toBe('关闭');
    expect(view.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*没有*可报送的任务' } }]);
  });
});
