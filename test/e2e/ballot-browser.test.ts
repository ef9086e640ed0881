/**
 * The public ballot page in a real browser (Debian's Chromium through playwright-core), as a mass
 * representative uses it on a phone: open the address on the slip, choose a grade per question,
 * submit, and the code is spent. No JavaScript runs on the page (its CSP allows none), and a
 * phone-sized screenshot is kept in docs/screenshots/ballot-phone.png. Where Chromium is missing
 * these tests do not run, and say so (.ci/run installs it, so CI always runs them).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { cli, codesIn, DURING, tempFile } from '../helpers/evaluation.js';

const skip = browserSkipReason();
if (skip) console.warn(`test/e2e/ballot-browser.test.ts: ${skip}`);

describe.skipIf(skip !== null)(`the public ballot page in a browser${skip ? ` — ${skip}` : ''}`, () => {
  let bot: TestBot;
  let browser: Browser;
  let codes: string[];

  beforeAll(async () => {
    bot = await startBot({ now: DURING, env: { PUBLIC_URL: 'https://vote.example.org' } });
    await cli(bot, ['evaluation', 'open']);
    const slips = tempFile('slips.html');
    await cli(bot, ['evaluation', 'codes', '--branch', 'YQ-ZX1', '--count', '3', '--out', slips], {
      PUBLIC_URL: 'https://vote.example.org',
    });
    codes = codesIn(fs.readFileSync(slips, 'utf8'));
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await closeChecked(bot);
  });

  it('when a representative opens the ballot on a phone, chooses a grade per question and submits, then it is counted once, with no script and no cookie', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    await page.goto(`${bot.baseUrl}/ballot/${codes[0]}`);
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('评议延庆一中党总支的创先争优活动');
    // Required radios: the browser itself asks for an answer before anything is sent.
    await page.locator('button[type=submit]').click();
    expect(await bot.ctx.db.selectFrom('evaluation_codes').select('used').where('used', '=', 1).execute()).toEqual([]);
    await page.getByLabel('满意', { exact: true }).first().check();
    await page.locator('fieldset').nth(1).getByLabel('基本满意').check();
    await page.screenshot({ path: path.join(PACKAGE_ROOT, 'docs', 'screenshots', 'ballot-phone.png'), fullPage: true });
    await Promise.all([page.waitForLoadState('load'), page.locator('button[type=submit]').click()]);
    await expect.poll(() => page.locator('main').textContent()).toContain('谢谢！您的评议票已计入。');
    // The page's own style applied, nothing else allowed to load or run (a violation would be logged).
    expect(violations).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    const counts = await bot.ctx.db
      .selectFrom('evaluation_counts')
      .select(['question', 'grade', 'count'])
      .where('source', '=', 'public')
      .where('count', '>', 0)
      .execute();
    expect(counts).toEqual(
      expect.arrayContaining([
        { question: 'overall', grade: 'satisfied', count: 1 },
        { question: 'commitments', grade: 'basic', count: 1 },
      ]),
    );
    // Back and submit again: the code is spent.
    await page.goBack();
    await page.reload();
    await expect.poll(() => page.locator('main').textContent()).toContain('该评议码已使用');
    await context.close();
  });

  it('when the English link is followed and a code is typed on the entry page, then the ballot opens in English', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${bot.baseUrl}/ballot?lang=en`);
    await page.locator('#code').fill(codes[1]!.toLowerCase());
    await Promise.all([page.waitForURL(/\/ballot\/[0-9A-Z]{26}/), page.locator('button[type=submit]').click()]);
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('Rate the campaign work of 延庆一中党总支');
    await page.locator('a.lang').click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('评议延庆一中党总支的创先争优活动');
    await page.close();
  });
});
