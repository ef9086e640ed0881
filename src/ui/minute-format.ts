/**
 * The fields of a moment to the minute on a 24-hour clock. The playground's page receives them too
 * (its boot data), so that the browser writes its clock's input as the server writes its times.
 */
export const MINUTE_FIELDS = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
} as const satisfies Intl.DateTimeFormatOptions;

/**
 * A moment to the minute in a timezone, on a 24-hour clock. `sv-SE` writes `2011-05-12 11:00`;
 * `en-CA` gives the same parts, written `2011-05-12, 11:00`.
 */
export function minuteFormat(timeZone: string, locale: 'sv-SE' | 'en-CA' = 'sv-SE'): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, { timeZone, ...MINUTE_FIELDS });
}
