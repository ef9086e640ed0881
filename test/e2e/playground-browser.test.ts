/**
 * The playground in a real browser (Debian's Chromium through playwright-core), as a new user
 * clicks through it: a secretary reports from a reminder, a leader returns the report, the
 * secretary revises it, a leader ranks and exports, the clock moves to a deadline. Where Chromium
 * is missing these tests do not run, and say so (.ci/run installs it, so CI always runs them).
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

const SECRETARY = 'U0SEC00001';
const LEADER = 'U0LDR00002';
/** What a secretary might paste into a summary; shown as text, it runs nothing. */
const HOSTILE_SUMMARY = `Visited the memorial <img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> & <b>sang</b>`;

const skip = browserSkipReason();
if (skip) console.warn(`test/e2e/playground-browser.test.ts: ${skip}`);

describe.skipIf(skip !== null)(`the playground in a browser${skip ? ` — ${skip}` : ''}`, () => {
  let t: TestPlayground;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestPlayground();
    await t.pg.caughtUp;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (err) => {
      throw err;
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    expect(t.pg.fake.violations).toEqual([]);
    await t?.stop();
  });

  /** Opens a person's pane as its address says, and waits until the page hears the workspace. */
  async function open(user: string, pane: string) {
    await page.goto(`${t.pg.url}?${new URLSearchParams({ user, pane, lang: 'en' })}`);
    await page.waitForSelector('body[data-ready="1"]');
  }

  const modal = () => page.locator('.modal-layer.open form.bk-modal');

  it('when a secretary presses a reminder’s Report now and fills in a date, a number and a link, then the form checks them, the report is stored, and it shows as done', async () => {
    await open(SECRETARY, 'dm');
    // The person's Slack language, chosen on the page: the bot speaks it from the next message on.
    await Promise.all([page.waitForEvent('load'), page.selectOption('#person-locale', 'en')]);
    await page.waitForSelector('body[data-ready="1"]');
    await page.locator('button[data-action="prompt_report_now"]').first().click();
    await expect.poll(() => modal().locator('.bk-modal-head h2').textContent()).toMatch(/^Report/);
    await expect.poll(() => modal().locator('select[data-block="obligation"]').inputValue()).not.toBe('');

    // Slack's client checks required fields before it sends anything.
    await modal().locator('button[data-modal="submit"]').click();
    await expect
      .poll(() => modal().locator('[data-block-id="summary"] .bk-error').textContent())
      .toBe('This field is required.');
    // The bot refuses a date after today: its answer shows under the field.
    await modal().locator('input[data-block="held_on"]').fill('2011-07-01');
    await modal().locator('input[data-block="participants"]').fill('35');
    await modal().locator('textarea[data-block="summary"]').fill(HOSTILE_SUMMARY);
    await modal().locator('textarea[data-block="evidence"]').fill('https://example.org/photos');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => modal().locator('[data-block-id="held_on"] .bk-error').textContent()).toMatch(/\S/);
    expect(await t.pg.ctx.db.selectFrom('reports').selectAll().execute()).toEqual([]);

    await modal().locator('input[data-block="held_on"]').fill('2011-06-18');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    await expect.poll(() => page.locator('.msg', { hasText: 'Reported' }).count()).toBe(1);
    const stored = await t.pg.ctx.db.selectFrom('reports').selectAll().execute();
    expect(stored).toMatchObject([{ held_on: '2011-06-18', participants: 35, summary: HOSTILE_SUMMARY }]);

    await page.locator('.nav-item[data-pane="home"]').click();
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => page.locator('.bk-home').textContent(), { timeout: 10_000 }).toContain('Done: A07-COBUILD');
  });

  it('when a leader opens the report from the leaders’ channel and returns it with a comment, then the summary shows as typed and runs nothing, and the secretary is told', async () => {
    await open(LEADER, 'C0LEADERS');
    await page
      .locator('.msg', { hasText: 'A07-COBUILD' })
      .locator('button[data-action="report_review_open"]')
      .last()
      .click();
    await expect.poll(() => modal().count()).toBe(1);
    await expect.poll(() => modal().textContent()).toContain(HOSTILE_SUMMARY);
    // Nothing of the summary became an element: no image, no script, no bold from its <b>.
    expect(await modal().locator('img, script').count()).toBe(0);
    expect(await modal().locator('b', { hasText: 'sang' }).count()).toBe(0);
    expect(await modal().locator('.bk-text', { hasText: '<b>sang</b>' }).count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();

    await modal().locator('input[type="radio"][value="return"]').check();
    await modal().locator('textarea[data-block="comment"]').fill('Please add the number of members who took part.');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    await expect
      .poll(async () => (await t.pg.ctx.db.selectFrom('reports').select('status').execute())[0]?.status)
      .toBe('returned');
    await t.until(
      () => t.dm(SECRETARY).find((m) => JSON.stringify(m.blocks ?? []).includes('report_revise')),
      'return DM',
    );
  });

  it('when the secretary revises the returned report, then the form shows the comment, and the report goes back to the leaders', async () => {
    await open(SECRETARY, 'dm');
    await page.locator('button[data-action="report_revise"]').last().click();
    await expect.poll(() => modal().textContent()).toContain('Please add the number of members who took part.');
    await expect.poll(() => modal().locator('input[data-block="participants"]').inputValue()).toBe('35');
    await modal().locator('input[data-block="participants"]').fill('42');
    await modal().locator('textarea[data-block="summary"]').fill('Visited the memorial with 42 members.');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    await expect
      .poll(async () => (await t.pg.ctx.db.selectFrom('reports').selectAll().execute())[0])
      .toMatchObject({ status: 'submitted', participants: 42, summary: 'Visited the memorial with 42 members.' });
    await expect.poll(() => page.locator('.msg', { hasText: 'was replaced with this one' }).count()).toBe(1);
  });

  it('when a leader asks for the rankings and exports the workbook, then the ranking shows only to them and the workbook downloads from their DM', async () => {
    await open(LEADER, 'C0GENERAL');
    await page.fill('#composer-input', '/rankings');
    await page.press('#composer-input', 'Enter');
    // The leader's Slack language is the workspace's (zh-CN): Slack's own words are in it too.
    const ranking = page.locator('.msg-ephemeral', { hasText: '仅你可见' });
    await expect.poll(() => ranking.count()).toBe(1);
    await expect.poll(() => ranking.locator('.bk-header').first().textContent()).toMatch(/排名|Ranking/);

    await page.locator('.nav-item[data-pane="dm"]').click();
    await page.waitForSelector('body[data-ready="1"]');
    await page.fill('#composer-input', '/pacesetter export');
    await page.press('#composer-input', 'Enter');
    const link = page.locator('.msg-file a.file-download', { hasText: /Download|下载/ });
    await expect.poll(() => link.count(), { timeout: 15_000 }).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });

  it('when a leader redrafts a notice for more days and publishes it to a channel, then what they typed stays where the app kept the field, and the notice is posted there', async () => {
    await open(LEADER, 'C0GENERAL');
    await page.fill('#composer-input', '/pacesetter notice');
    await page.press('#composer-input', 'Enter');
    await expect.poll(() => modal().locator('input[data-block="days"]').count()).toBe(1);
    const firstBody = await modal().locator('textarea[data-action="value"]').last().inputValue();
    await modal().locator('input[data-block="title"]').fill('关于党建任务的通报');
    await modal().locator('input[data-block="days"]').fill('30');
    await modal().locator('button[data-action="notice_redraft"]').click();
    // The app updated the view: a new body block (its id carries the revision), the title kept as typed.
    await expect.poll(() => modal().locator('[data-block-id="body-1"]').count()).toBe(1);
    expect(await modal().locator('input[data-block="title"]').inputValue()).toBe('关于党建任务的通报');
    expect(await modal().locator('textarea[data-block="body-1"]').inputValue()).not.toBe(firstBody);
    await modal().locator('select[data-block="channel"]').selectOption('C0NOTICES');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => modal().locator('.bk-input').count()).toBe(0);
    await expect.poll(() => modal().textContent()).toContain('#notices');
    await modal().locator('button[data-modal="close"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    await page.locator('.nav-item[data-pane="C0NOTICES"]').click();
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => page.locator('#timeline .bk-header').last().textContent()).toBe('关于党建任务的通报');
  });

  it('when a secretary of two branches reports with a file, keeps it or not, withdraws after a confirmation, and a cadre submits a paper with a co-author, a link and a file, then every field reaches the bot as Slack sends it', async () => {
    // 周敏 is the secretary of two branches: /report asks for the branch first, and choosing it
    // (a select in an actions block) updates the modal in place.
    await open('U0SEC00004', 'C0BRYQXX2');
    await page.fill('#composer-input', '/report');
    await page.press('#composer-input', 'Enter');
    await expect.poll(() => modal().locator('select[data-action="report_branch_pick"]').count()).toBe(1);
    const picker = await modal().getAttribute('data-view');
    await modal().locator('select[data-action="report_branch_pick"]').selectOption({ label: 'YQ-XX3 永宁小学党支部' });
    await expect.poll(() => modal().locator('select[data-block="obligation"]').count()).toBe(1);
    expect(await modal().getAttribute('data-view')).toBe(picker);
    await modal().locator('select[data-block="obligation"]').selectOption({ index: 2 });
    await modal().locator('input[data-block="participants"]').fill('12');
    await modal().locator('textarea[data-block="summary"]').fill('永宁小学开展红歌演唱会。');
    await modal()
      .locator('[data-block="files"] input[type="file"]')
      .setInputFiles({
        name: '合影.png',
        mimeType: 'image/png',
        buffer: Buffer.from('89504e470d0a1a0a', 'hex'),
      });
    await expect.poll(() => modal().locator('[data-block="files"] .bk-file-chip').textContent()).toContain('合影.png');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    const reportOf = async () =>
      (await t.pg.ctx.db.selectFrom('reports').selectAll().where('participants', '=', 12).execute())[0];
    await expect.poll(reportOf).toBeDefined();
    expect(JSON.parse((await reportOf())!.evidence)).toMatchObject([
      { type: 'file', name: '合影.png', fileId: expect.stringMatching(/^F/) },
    ]);

    // Edited, the report's file is offered as a box to keep (a file input cannot be filled in).
    await page.locator('.nav-item[data-pane="dm"]').click();
    await page.waitForSelector('body[data-ready="1"]');
    await page.locator('button[data-action="report_edit"]').last().click();
    const keep = modal().locator('[data-block="keep_files"] input[type="checkbox"]');
    await expect.poll(() => keep.count()).toBe(1);
    expect(await keep.isChecked()).toBe(true);
    await keep.uncheck();
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    await expect.poll(async () => JSON.parse((await reportOf())!.evidence)).toEqual([]);
    // Withdraw asks first, in Slack's confirmation dialog; "keep it" does nothing.
    const withdraw = page.locator('button[data-action="report_withdraw"]').last();
    await withdraw.click();
    const dialog = page.locator('.bk-confirm:not([hidden])');
    await expect.poll(() => dialog.locator('h3').textContent()).toBe('撤回该报送？');
    await dialog.locator('[data-confirm="no"]').click();
    expect((await reportOf())!.status).toBe('submitted');
    await withdraw.click();
    await dialog.locator('[data-confirm="yes"]').click();
    await expect.poll(async () => (await reportOf())!.status).toBe('withdrawn');
    await expect.poll(() => page.locator('.msg', { hasText: '已撤回' }).count()).toBeGreaterThan(0);

    await open('U0MEM00001', 'dm');
    await page.fill('#composer-input', '/paper');
    await page.press('#composer-input', 'Enter');
    await expect.poll(() => modal().locator('select[data-block="kind"]').count()).toBe(1);
    await modal().locator('select[data-block="kind"]').selectOption('party_paper');
    await modal().locator('input[data-block="title"]').fill('新时期学校党建工作的思考');
    await modal().locator('textarea[data-block="abstract"]').fill('从党建引领谈学校发展。');
    await modal().locator('input[data-block="link"]').fill('https://example.org/paper.docx');
    await modal().locator('select[data-block="coauthors"]').selectOption(['U0MEM00002']);
    await modal()
      .locator('[data-block="file"] input[type="file"]')
      .setInputFiles({
        name: 'paper.docx',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('PK paper'),
      });
    await expect.poll(() => modal().locator('[data-block="file"] .bk-file-chip').textContent()).toContain('paper.docx');
    await modal().locator('button[data-modal="submit"]').click();
    await expect.poll(() => page.locator('.modal-layer.open').count()).toBe(0);
    const paperOf = async () => (await t.pg.ctx.db.selectFrom('papers').selectAll().execute())[0];
    await expect.poll(paperOf).toBeDefined();
    const paper = (await paperOf())!;
    expect(paper).toMatchObject({
      kind: 'party_paper',
      title: '新时期学校党建工作的思考',
      link: 'https://example.org/paper.docx',
    });
    expect(paper.file_id).toMatch(/^F/);
    expect(JSON.parse(paper.coauthors)).toEqual(['U0MEM00002']);
  });

  it('when the clock is moved to a deadline and the reminders run, then the deadline’s reminder arrives, once, without a reload', async () => {
    await open('U0SEC00003', 'dm');
    const messages = page.locator('#timeline > .msg');
    const before = await messages.count();
    await page.fill('#clock-input', '2011-06-30T09:30');
    await page.click('#clock-form button[type="submit"]');
    await expect.poll(() => page.locator('#clock-now').getAttribute('data-iso')).toMatch(/^2011-06-30T01:3/);

    await page.click('.job-button[data-job="reminders"]');
    await expect.poll(() => messages.count()).toBe(before + 1);
    await expect.poll(() => messages.last().textContent()).toContain('2011-06-30');
    const runs = page.locator('#joblog .job-entry');
    const logged = await runs.count();
    await page.click('.job-button[data-job="reminders"]');
    await expect.poll(() => runs.count()).toBe(logged + 1);
    expect(await messages.count()).toBe(before + 1);
  });
});
