import { describe, expect, it } from 'vitest';
import type { ReminderItem } from '../../src/domain/reminders.js';
import { reminderMessages } from '../../src/ui/reminder.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';
import { aReminderItem } from '../helpers/fixtures.js';

function item(i: number, over: Partial<ReminderItem> = {}): ReminderItem {
  return aReminderItem({
    key: `k${i}`,
    obligationId: i,
    code: `A${String(i).padStart(2, '0')}-X`,
    title: { zh: `任务${i}`, en: `Task ${i}` },
    ...over,
  });
}

describe('the reminder DM', () => {
  it('when a secretary has many items, then one message carries all of them within 50 blocks, buttons for as many as fit', () => {
    for (const n of [1, 23, 24, 60]) {
      const items = Array.from({ length: n }, (_, i) => item(i + 1));
      const [message, ...rest] = reminderMessages('zh-CN', items);
      expect(rest).toEqual([]);
      expect(message!.indexes).toEqual(items.map((_, i) => i));
      expect(validateBlockKit('message', { blocks: message!.blocks })).toEqual([]);
      const text = JSON.stringify(message!.blocks);
      expect(text).toContain(`A${String(n).padStart(2, '0')}-X`);
    }
  });

  it('when an item is a personal paper, then it says so and offers no extension', () => {
    const [m] = reminderMessages('en', [
      item(9, {
        branchId: null,
        branchCode: 'YQ-ZX1',
        kind: 'paper',
        stage: { key: 'overdue:1', kind: 'overdue', nominal: '2011-12-07', sendOn: '2011-12-07' },
        due: '2011-11-30',
        daysLeft: -7,
      }),
    ]);
    const text = JSON.stringify(m!.blocks);
    expect(text).toContain('your own paper');
    expect(text).toContain('overdue');
    expect(text).not.toContain('prompt_extension');
  });
});
