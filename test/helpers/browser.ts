/**
 * The one browser launcher of the tests (and of scripts/screenshots.ts): Playwright's
 * playwright-core driving Debian's Chromium, headless, in a fresh profile each launch. Where
 * Chromium is missing, the browser tests say that they did not run and why (.ci/run installs it).
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

export const chromiumPath: string | null = fs.existsSync(CHROMIUM) ? CHROMIUM : null;

/** Why the browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  return chromiumPath === null ? 'SKIPPED: chromium not installed (apt-get install -y chromium)' : null;
}

/**
 * A headless Chromium. Playwright gives each launch a new temporary profile (the user data
 * folder), so nothing carries over between runs; the flags keep it off the network and quiet.
 */
export async function launchBrowser(): Promise<Browser> {
  if (chromiumPath === null) throw new Error(browserSkipReason()!);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
