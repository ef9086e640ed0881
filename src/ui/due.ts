import type { LocalDate } from '../domain/types.js';
import { t, type Locale } from '../i18n/index.js';

/** "due 2011-07-15 (extended from 2011-06-30)": an extended date always shows the original. */
export function dueText(locale: Locale, due: LocalDate, originalDue: LocalDate): string {
  return due === originalDue
    ? t(locale, 'report.due', { due })
    : t(locale, 'report.due.extended', { due, original: originalDue });
}
