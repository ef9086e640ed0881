import { describe, expect, it } from 'vitest';
import { catalogues, t, toLocale } from '../src/i18n/index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogues', () => {
  const en = catalogues.en;
  const zh = catalogues['zh-CN'];

  it('when a key exists in one language, then it exists in the other', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('when a message has placeholders, then both languages use the same ones', () => {
    const mismatched = Object.keys(en).filter(
      (k) =>
        JSON.stringify(placeholders(en[k as keyof typeof en])) !==
        JSON.stringify(placeholders(zh[k as keyof typeof zh])),
    );
    expect(mismatched).toEqual([]);
  });

  it('when a message is shown, then it is never empty in either language', () => {
    const empty = (['en', 'zh-CN'] as const).flatMap((l) =>
      Object.entries(catalogues[l])
        .filter(([, v]) => v.trim() === '')
        .map(([k]) => `${l}:${k}`),
    );
    expect(empty).toEqual([]);
  });

  it('when a Chinese message is written, then it is not left in English (a copied line)', () => {
    // Messages that are only code or a product name may be the same in both; the rest must differ.
    const same = Object.keys(en).filter(
      (k) =>
        en[k as keyof typeof en] === zh[k as keyof typeof zh] &&
        /[a-z]{4,}/.test(en[k as keyof typeof en].replace(/`[^`]*`|\{\w+\}|Pacesetter/g, '')),
    );
    expect(same).toEqual([]);
  });

  it('when placeholders are filled, then every one is replaced', () => {
    expect(t('en', 'common.state.overdue', { days: 3 })).toBe('Overdue by 3 days');
    expect(t('zh-CN', 'common.state.overdue', { days: 3 })).toBe('已逾期 3 天');
  });

  it('when Slack gives a locale, then any Chinese reads Chinese and the rest English', () => {
    expect(toLocale('zh-TW', 'en')).toBe('zh-CN');
    expect(toLocale('fr-FR', 'zh-CN')).toBe('en');
    expect(toLocale(null, 'zh-CN')).toBe('zh-CN');
  });
});
