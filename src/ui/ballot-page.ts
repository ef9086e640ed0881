import { createHash } from 'node:crypto';
import { groupedCode, questionBlock, type RoundSettings } from '../domain/evaluation.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { choiceInput, html, htmlUrl, trustedHtml, type Html } from './html.js';

/**
 * The public ballot page of the evaluation (群众代表 vote without Slack) and the printed slips:
 * server-rendered HTML, no script, one inline style allowed by its hash in the page's
 * Content-Security-Policy. Every value goes through `html`, which escapes it. Pure.
 */

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d1c1d;background:#f6f6f6}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}
h1{font-size:1.35rem;margin:.5rem 0}
.lang{font-size:.95rem}
.card{background:#fff;border-radius:10px;padding:1rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.12)}
fieldset{border:0;margin:0 0 1rem;padding:0}
legend{font-weight:600;margin-bottom:.5rem}
label.grade{display:flex;align-items:center;gap:.6rem;min-height:48px;padding:.4rem .8rem;margin:.35rem 0;border:1px solid #ccc;border-radius:8px;background:#fff}
label.grade input{width:1.3rem;height:1.3rem}
button,input[type=text]{font:inherit;width:100%;min-height:48px;border-radius:8px}
button{background:#b3261e;color:#fff;border:0;font-weight:600}
input[type=text]{border:1px solid #999;padding:.5rem;letter-spacing:.05em}
.error{color:#b3261e;font-weight:600}
.note{font-size:.9rem;color:#555}
.final{font-weight:600}
`;

/** The style as one piece of markup, so that no formatting of the templates can change what the hash covers. */
const STYLE_ELEMENT = trustedHtml(`<style>${STYLE}</style>`);

/** The page's Content-Security-Policy: nothing but its own inline style and a form posting back to itself. */
export const BALLOT_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; img-src 'none'`;

function page(locale: Locale, title: string, otherLanguageHref: string, body: Html): string {
  const lang = locale === 'zh-CN' ? 'zh-CN' : 'en';
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        <main>
          <header>
            <h1>${title}</h1>
            <a class="lang" href="${otherLanguageHref}" hreflang="${locale === 'zh-CN' ? 'en' : 'zh-CN'}"
              >${t(locale, 'ballot.page.other_language')}</a
            >
          </header>
          ${body}
        </main>
      </body>
    </html>`.value;
}

/** The other language's address of the same page (a query string only: never an input echoed back). */
function otherLanguage(locale: Locale, path: string): string {
  return `${path}?lang=${locale === 'zh-CN' ? 'en' : 'zh'}`;
}

export interface BallotPageInput {
  locale: Locale;
  /** The page's own path, `/ballot/<code>`, as the server matched it (a normalised code). */
  path: string;
  branchName: string;
  year: number;
  closes: string;
  settings: Pick<RoundSettings, 'questions' | 'grades'>;
  /** After a submission with a question left out: the message, and what was chosen (to keep it). */
  missing?: boolean;
  chosen?: Record<string, string>;
}

/** The ballot: one fieldset of radio buttons a question, the anonymity text, one button. */
export function ballotPage(v: BallotPageInput): string {
  const { locale } = v;
  const questions = v.settings.questions.map(
    (q) =>
      html`<fieldset>
        <legend>${pick(q.title, locale)}</legend>
        ${v.settings.grades.map(
          (g) =>
            html`<label class="grade"
              >${choiceInput({
                type: 'radio',
                name: questionBlock(q.code),
                value: g.code,
                checked: v.chosen?.[q.code] === g.code,
                required: true,
              })}
              ${pick(g.title, locale)}</label
            > `,
        )}
      </fieldset> `,
  );
  const body = html`<section class="card">
      <h2>${t(locale, 'ballot.page.heading', { branch: v.branchName })}</h2>
      <p>${t(locale, 'ballot.page.intro', { year: v.year })}</p>
      <p class="note">${t(locale, 'ballot.slip.until', { closes: v.closes })}</p>
      ${v.missing ? html`<p class="error" role="alert">${t(locale, 'ballot.page.missing')}</p>` : ''}
      <form method="post" action="${v.path}">
        <input type="hidden" name="lang" value="${locale === 'zh-CN' ? 'zh' : 'en'}" />
        ${questions}
        <p class="final">${t(locale, 'evaluation.final')}</p>
        <button type="submit">${t(locale, 'ballot.page.submit')}</button>
      </form>
    </section>
    ${anonymity(locale)}`;
  return page(locale, t(locale, 'ballot.page.title'), otherLanguage(locale, v.path), body);
}

function anonymity(locale: Locale): Html {
  return html`<section class="card note">
    <h2>${t(locale, 'ballot.page.who_sees')}</h2>
    <p>${t(locale, 'ballot.page.anonymity')}</p>
  </section>`;
}

export type BallotNotice = 'thanks' | 'used' | 'unknown' | 'closed' | 'not_open' | 'limited';

/** Every answer other than the ballot: thanks, a used or unknown code, a round not open, too many wrong codes. */
export function noticePage(v: {
  locale: Locale;
  path: string;
  notice: BallotNotice;
  opens?: string;
  closes?: string;
}): string {
  const { locale } = v;
  const text = {
    thanks: t(locale, 'ballot.page.thanks'),
    used: t(locale, 'ballot.page.used'),
    unknown: t(locale, 'ballot.page.unknown'),
    closed: t(locale, 'ballot.page.closed', { closes: v.closes ?? '' }),
    not_open: t(locale, 'ballot.page.not_open', { opens: v.opens ?? '' }),
    limited: t(locale, 'ballot.page.limited'),
  }[v.notice];
  const body = html`<section class="card"><p${v.notice === 'thanks' ? '' : trustedHtml(' role="alert"')}>${text}</p>${
    v.notice === 'thanks' ? html`<p class="note">${t(locale, 'ballot.page.thanks_more')}</p>` : ''
  }</section>
${v.notice === 'unknown' ? codeForm(locale) : ''}${anonymity(locale)}`;
  return page(locale, t(locale, 'ballot.page.title'), otherLanguage(locale, v.path), body);
}

function codeForm(locale: Locale): Html {
  return html`<section class="card">
    <form method="get" action="/ballot">
      <label for="code">${t(locale, 'ballot.page.enter_code')}</label>
      <input type="hidden" name="lang" value="${locale === 'zh-CN' ? 'zh' : 'en'}" />
      <input
        type="text"
        id="code"
        name="code"
        autocomplete="off"
        autocapitalize="characters"
        spellcheck="false"
        maxlength="40"
        required
      />
      <p><button type="submit">${t(locale, 'ballot.page.go')}</button></p>
    </form>
  </section>`;
}

/** `/ballot` without a code: where a typed code is entered. */
export function codeEntryPage(locale: Locale): string {
  return page(
    locale,
    t(locale, 'ballot.page.title'),
    otherLanguage(locale, '/ballot'),
    html`${codeForm(locale)}${anonymity(locale)}`,
  );
}

// The printed slips (cli evaluation codes).

const SLIP_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:12pt/1.4 "Noto Sans CJK SC","Source Han Sans SC","SimSun",system-ui,sans-serif;color:#000}
@page{size:A4;margin:10mm}
.sheet{display:grid;grid-template-columns:1fr 1fr;gap:6mm}
.slip{border:1px dashed #555;padding:4mm;break-inside:avoid;page-break-inside:avoid;display:flex;gap:4mm;align-items:center}
.slip svg{width:32mm;height:32mm;flex:none}
.slip h2{font-size:12pt;margin:0 0 1mm}
.slip .branch{font-weight:600}
.slip .code{font:11pt/1.3 ui-monospace,"DejaVu Sans Mono",monospace;letter-spacing:.04em;word-break:break-all}
.slip .url{font:8pt ui-monospace,monospace;word-break:break-all;color:#333}
.slip p{margin:.8mm 0;font-size:9pt}
@media screen{body{padding:10mm;background:#eee}.sheet{background:#fff;padding:10mm}}
`;

export interface Slip {
  code: string;
  url: string;
  /** The QR code of the URL, as SVG markup made by the qrcode package (not from any person). */
  qrSvg: string;
}

/** A page of slips, two a row, each with the QR code, the branch, the code and the address, in both languages. */
export function slipsPage(v: { branchName: string; year: number; closes: string; slips: Slip[] }): string {
  const both = (f: (l: Locale) => string) => `${f('zh-CN')} · ${f('en')}`;
  const slips = v.slips.map(
    (s) =>
      html`<div class="slip">
        ${trustedHtml(s.qrSvg)}
        <div>
          <h2>${both((l) => t(l, 'ballot.slip.title'))}</h2>
          <p class="branch">${v.branchName}</p>
          <p>${both((l) => t(l, 'ballot.slip.code'))}:</p>
          <p class="code">${groupedCode(s.code)}</p>
          <p class="url"><a href="${htmlUrl(s.url)}">${s.url}</a></p>
          <p>${t('zh-CN', 'ballot.slip.how')}</p>
          <p>${t('en', 'ballot.slip.how')}</p>
          <p>${both((l) => t(l, 'ballot.slip.until', { closes: v.closes }))}</p>
        </div>
      </div> `,
  );
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <title>${both((l) => t(l, 'ballot.slip.title'))} · ${v.branchName} · ${v.year}</title>
        ${trustedHtml(`<style>${SLIP_STYLE}</style>`)}
      </head>
      <body>
        <div class="sheet">${slips}</div>
      </body>
    </html>`.value;
}
