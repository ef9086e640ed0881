/**
 * `npm run screenshots`: the pictures of the README, taken in a real browser (Debian's Chromium,
 * as the browser tests drive it) from a fresh playground: what a secretary sees (the reminder DM,
 * the report modal, the checklist) and what a leader sees (the rankings, a review, the digest with
 * its chart, a notice), in English and in Chinese, written to docs/screenshots/<locale>/.
 *
 *   npm run screenshots            # both languages
 *   npm run screenshots -- en      # one
 *
 * Chinese text needs a CJK font on the machine (Debian: apt-get install -y fonts-noto-cjk), and
 * the bot's emoji an emoji font (fonts-noto-color-emoji); without them the pictures show boxes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Locale } from '../src/i18n/index.js';
import { browserSkipReason, launchBrowser } from '../test/helpers/browser.js';
import { ROOT } from '../test/helpers/db.js';
import { startTestPlayground, type TestPlayground } from '../test/helpers/playground.js';

const SECRETARY = 'U0SEC00001';
const LEADER = 'U0LDR00002';
const OUT = path.join(ROOT, 'docs', 'screenshots');

const skip = browserSkipReason();
if (skip) {
  console.error(`npm run screenshots: ${skip}`);
  process.exit(1);
}
for (const [font, pkg] of [
  [':lang=zh', 'fonts-noto-cjk'],
  [':charset=1f389', 'fonts-noto-color-emoji'],
]) {
  const found = spawnSync('fc-list', [font!], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim() === '')
    console.warn(
      `npm run screenshots: no font for ${font} on this machine; the pictures will show boxes (apt-get install -y ${pkg}).`,
    );
}

const words = {
  en: {
    summary: 'Held a knowledge contest on the Party’s history in the school hall; every class sent a team.',
    comment: 'Good work. Please add the photos of the contest.',
  },
  'zh-CN': {
    summary: '在学校礼堂举办党史知识竞赛，各班级均组队参加。',
    comment: '开展得很好。请补充竞赛现场照片。',
  },
} as const;

/**
 * Some weeks of the campaign before the pictures: secretaries report tasks on the days they did
 * them (the playground's clock moved to each day, the report modal filled in and submitted as the
 * page does), so that the rankings and the digest's chart have something to show. 王建国, whose
 * reminder and report are shown, reports nothing yet.
 */
const HISTORY: { at: string; user: string; code: string; participants: number }[] = [
  { at: '2011-05-06T10:00', user: 'U0SEC00002', code: 'A07-COBUILD', participants: 40 },
  { at: '2011-05-06T15:00', user: 'U0SEC00003', code: 'A07-COBUILD', participants: 28 },
  { at: '2011-05-09T11:00', user: 'U0SEC00005', code: 'A07-COBUILD', participants: 19 },
  { at: '2011-05-09T16:00', user: 'U0SEC00009', code: 'A07-COBUILD', participants: 12 },
  { at: '2011-05-26T10:00', user: 'U0SEC00002', code: 'A03-COMMIT', participants: 38 },
  { at: '2011-05-27T10:00', user: 'U0SEC00003', code: 'A03-COMMIT', participants: 30 },
  { at: '2011-05-30T09:00', user: 'U0SEC00006', code: 'A07-COBUILD', participants: 55 },
  { at: '2011-05-30T14:00', user: 'U0SEC00009', code: 'A03-COMMIT', participants: 11 },
  { at: '2011-05-31T10:00', user: 'U0SEC00002', code: 'A08-REGISTER', participants: 6 },
  { at: '2011-06-08T10:00', user: 'U0SEC00005', code: 'A03-COMMIT', participants: 21 },
  { at: '2011-06-10T10:00', user: 'U0SEC00002', code: 'A01-NOMINATE', participants: 9 },
  { at: '2011-06-13T15:00', user: 'U0SEC00003', code: 'A01-NOMINATE', participants: 7 },
  { at: '2011-06-14T10:00', user: 'U0SEC00007', code: 'A07-COBUILD', participants: 16 },
  { at: '2011-06-15T09:00', user: 'U0SEC00009', code: 'A01-NOMINATE', participants: 5 },
  { at: '2011-06-16T10:00', user: 'U0SEC00002', code: 'A01-EVENT', participants: 120 },
  { at: '2011-06-17T16:00', user: 'U0SEC00008', code: 'A07-COBUILD', participants: 14 },
];

async function history(t: TestPlayground, locale: Locale): Promise<void> {
  for (const h of HISTORY) {
    await t.post('/playground/api/clock', { local: h.at });
    const sent = await t.post('/playground/api/command', {
      user: h.user,
      channel: `D${h.user}`,
      text: `/report ${h.code}`,
    });
    if (sent.json['ok'] !== true) throw new Error(`/report ${h.code} for ${h.user}: ${JSON.stringify(sent.json)}`);
    const modal = await t.until(() => t.pg.ws.topModal(h.user), `${h.user}'s report modal`);
    const done = await t.post('/playground/api/submit', {
      user: h.user,
      view: modal.view.id,
      values: {
        held_on: { value: h.at.slice(0, 10) },
        participants: { value: String(h.participants) },
        summary: { value: words[locale].summary },
      },
    });
    if (done.json['outcome'] !== 'closed') throw new Error(`${h.user} ${h.code}: ${JSON.stringify(done.json)}`);
  }
  await t.post('/playground/api/clock', { local: '2011-06-20T10:00' });
}

async function shoot(locale: Locale): Promise<string[]> {
  const dir = path.join(OUT, locale);
  fs.mkdirSync(dir, { recursive: true });
  const t = await startTestPlayground({ env: { DEFAULT_LOCALE: locale }, catchUp: false });
  const written: string[] = [];
  const browser = await launchBrowser();
  try {
    for (const p of t.pg.ws.people()) await t.pg.ws.setLocale(p.slackUserId, locale);
    await history(t, locale);
    // The morning's jobs, as a bot started at 10:00 runs them, now that everyone reads `locale`.
    for (const job of ['reminders', 'escalations', 'digest']) await t.pg.runJob(job);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    page.on('pageerror', (err) => console.error('page error:', err.message));
    const open = async (user: string, pane: string) => {
      await page.goto(`${t.pg.url}?${new URLSearchParams({ user, pane, lang: locale })}`);
      await page.waitForSelector('body[data-ready="1"]');
    };
    const modal = page.locator('.modal-layer.open form.bk-modal');
    const shot = async (name: string, p: Page = page) => {
      // Fonts and images drawn before the picture is taken.
      await p.evaluate(
        () => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready,
      );
      const file = path.join(dir, `${name}.png`);
      await p.screenshot({ path: file });
      written.push(path.relative(ROOT, file));
    };
    /** Scrolls the timeline so that this message starts at its top. */
    const showFromTop = (selector: string) =>
      page.evaluate((sel) => {
        const d = (
          globalThis as unknown as {
            document: {
              querySelector(s: string): { offsetTop: number } | null;
              getElementById(id: string): { scrollTop: number; offsetTop: number };
            };
          }
        ).document;
        const el = d.querySelector(sel) as {
          offsetTop: number;
          previousElementSibling?: { className: string; offsetTop: number };
        } | null;
        const timeline = d.getElementById('timeline');
        const above = el?.previousElementSibling?.className === 'day-divider' ? el.previousElementSibling : el;
        if (above) timeline.scrollTop = above.offsetTop - timeline.offsetTop - 16;
      }, selector);

    // A secretary: the reminder, the report modal, the checklist.
    await open(SECRETARY, 'dm');
    await showFromTop('#timeline > .msg:last-of-type');
    await shot('secretary-reminder');
    await page.locator('button[data-action="prompt_report_now"]').nth(4).click();
    await modal.waitFor();
    await modal.locator('input[data-block="held_on"]').fill('2011-06-18');
    await modal.locator('input[data-block="participants"]').fill('86');
    await modal.locator('textarea[data-block="summary"]').fill(words[locale].summary);
    await modal.locator('textarea[data-block="evidence"]').fill('https://www.yqedu.gov.cn/news/2011/0618.html');
    await shot('secretary-report-modal');
    await modal.locator('button[data-modal="submit"]').click();
    await page
      .locator('.modal-layer.open')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.waitForFunction(
      () =>
        !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
          '.modal-layer.open',
        ),
    );
    await page.fill('#composer-input', '/progress');
    await page.press('#composer-input', 'Enter');
    await page.locator('.msg-ephemeral').last().waitFor();
    await showFromTop('#timeline > .msg-ephemeral:last-of-type');
    await shot('secretary-checklist');

    // A leader: the report arrived, the review, the rankings, the digest, a notice.
    await open(LEADER, 'C0LEADERS');
    await page.locator('button[data-action="report_review_open"]').last().click();
    await modal.waitFor();
    await modal.locator('input[type="radio"][value="accept"]').check();
    await modal.locator('textarea[data-block="comment"]').fill(words[locale].comment);
    await shot('leader-review');
    await modal.locator('button[data-modal="submit"]').click();
    await page.waitForFunction(
      () =>
        !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
          '.modal-layer.open',
        ),
    );

    await open(LEADER, 'C0GENERAL');
    await page.fill('#composer-input', '/rankings');
    await page.press('#composer-input', 'Enter');
    await page.locator('.msg-ephemeral').last().waitFor();
    await showFromTop('#timeline > .msg-ephemeral:last-of-type');
    await shot('leader-rankings');

    await open(LEADER, 'C0DIGEST');
    await page.locator('.file-image').waitFor();
    await page.locator('.file-image').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    // The digest from its header down to its chart, in a taller window.
    await page.setViewportSize({ width: 1280, height: 1300 });
    await showFromTop('#timeline > .msg:last-of-type');
    await shot('leader-digest');
    await page.setViewportSize({ width: 1280, height: 800 });

    await open(LEADER, 'C0NOTICES');
    await page.fill('#composer-input', '/pacesetter notice');
    await page.press('#composer-input', 'Enter');
    await modal.waitFor();
    await modal.locator('button[data-modal="submit"]').click();
    await page.locator('#timeline .msg').first().waitFor();
    await modal
      .locator('button[data-modal="dismiss"]')
      .click()
      .catch(() => undefined);
    await page.waitForFunction(
      () =>
        !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
          '.modal-layer.open',
        ),
    );
    await showFromTop('#timeline > .msg:last-of-type');
    await shot('leader-notice');
    if (t.pg.fake.violations.length > 0) throw new Error(`Block Kit violations: ${t.pg.fake.violations.join('; ')}`);
  } finally {
    await browser.close();
    await t.stop();
  }
  return written;
}

const asked = process.argv.slice(2).filter((a): a is Locale => a === 'en' || a === 'zh-CN');
for (const locale of asked.length > 0 ? asked : (['en', 'zh-CN'] as const)) {
  for (const file of await shoot(locale)) console.log(file);
}
