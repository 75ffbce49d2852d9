/**
 * Debian's Chromium (scripts/provision-test-tools.sh installs it), headless, as the tests and
 * benchmarks drive it: pages of the console, the status page and the report are looked at in a
 * real browser.
 */
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';

/** No network here: without these, Chromium's own background connections are refused at start. */
export const CHROMIUM_OFFLINE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_OFFLINE_ARGS });
}
