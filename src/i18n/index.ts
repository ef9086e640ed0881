import type { Locale } from '../config.js';
import * as common from './messages/common.js';
import * as report from './messages/report.js';
import * as prompts from './messages/prompts.js';
import * as paper from './messages/paper.js';
import * as progress from './messages/progress.js';
import * as home from './messages/home.js';
import * as jobs from './messages/jobs.js';
import * as leaders from './messages/leaders.js';
import * as projects from './messages/projects.js';
import * as commendations from './messages/commendations.js';
import * as playground from './messages/playground.js';
import * as evaluation from './messages/evaluation.js';
import * as commitments from './messages/commitments.js';
import * as inspections from './messages/inspections.js';
import * as assessment from './messages/assessment.js';

// One module per area, each with both languages; the compiler checks that zh has every en key.
const en = {
  ...common.en,
  ...report.en,
  ...prompts.en,
  ...paper.en,
  ...progress.en,
  ...home.en,
  ...leaders.en,
  ...jobs.en,
  ...projects.en,
  ...commendations.en,
  ...evaluation.en,
  ...commitments.en,
  ...playground.en,
  ...inspections.en,
  ...assessment.en,
};
const zh: Record<keyof typeof en, string> = {
  ...common.zh,
  ...report.zh,
  ...prompts.zh,
  ...paper.zh,
  ...progress.zh,
  ...home.zh,
  ...leaders.zh,
  ...jobs.zh,
  ...projects.zh,
  ...commendations.zh,
  ...evaluation.zh,
  ...commitments.zh,
  ...playground.zh,
  ...inspections.zh,
  ...assessment.zh,
};

export type MessageKey = keyof typeof en;
export type { Locale };

export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zh };

export type Params = Record<string, string | number>;

/** The text for a key in a locale, with `{name}` placeholders filled. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Slack locales look like `zh-CN`, `zh-TW`, `en-US`; anything Chinese reads Chinese, the rest English. */
export function toLocale(slackLocale: string | null | undefined, fallback: Locale): Locale {
  if (!slackLocale) return fallback;
  if (slackLocale.toLowerCase().startsWith('zh')) return 'zh-CN';
  return 'en';
}

/** Plan titles and descriptions carry both languages. */
export function pick(text: { zh: string; en: string }, locale: Locale): string {
  return locale === 'zh-CN' ? text.zh : text.en;
}
