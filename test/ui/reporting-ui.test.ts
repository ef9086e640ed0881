import { describe, expect, it } from 'vitest';
import { dueText } from '../../src/ui/due.js';
import { promptButtons } from '../../src/ui/prompt-buttons.js';
import { validateBlockKit } from '../slack/block-kit-limits.js';

describe('the buttons of a reminder', () => {
  it('when built for a branch task, then three buttons carry the task and the branch; for a paper, two', () => {
    const branch = promptButtons('zh-CN', { obligationId: 7, branchId: 3 });
    expect(branch.elements.map((e) => ('action_id' in e ? e.action_id : ''))).toEqual(['prompt_report_now', 'prompt_snooze', 'prompt_extension']);
    expect(branch.elements.map((e) => ('value' in e ? JSON.parse(String(e.value)) : null))).toEqual([{ o: 7, b: 3 }, { o: 7, b: 3 }, { o: 7, b: 3 }]);
    const paper = promptButtons('en', { obligationId: 9, branchId: null });
    expect(paper.elements.map((e) => ('text' in e && e.text ? e.text.text : ''))).toEqual(['Report now', 'Remind me tomorrow']);
  });

  it('when put in a message, then the blocks are valid Block Kit', () => {
    expect(validateBlockKit('message', [promptButtons('zh-CN', { obligationId: 2 ** 31, branchId: 2 ** 31 })])).toEqual([]);
  });
});

describe('a due date', () => {
  it('when extended, then the original is shown with it, in both languages', () => {
    expect(dueText('en', '2011-07-15', '2011-06-30')).toBe('due 2011-07-15 (extended from 2011-06-30)');
    expect(dueText('zh-CN', '2011-07-15', '2011-06-30')).toBe('截止 2011-07-15（原定 2011-06-30，已延期）');
    expect(dueText('en', '2011-06-30', '2011-06-30')).toBe('due 2011-06-30');
  });
});
