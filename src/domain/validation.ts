import type { z } from 'zod';

/** `activities[3].obligations[1].due` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * One code in one list (activities, obligations, ratings, tiers, …): a second use is reported at
 * its own path, pointing at the first use. `seen` holds the list's codes met so far and where.
 */
export function uniqueCode(
  seen: Map<string, string>,
  code: string,
  path: readonly (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const first = seen.get(code);
  if (first !== undefined)
    ctx.addIssue({ code: 'custom', path: [...path, 'code'], message: `${code} is also used by ${first}` });
  else seen.set(code, formatPath(path));
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };
