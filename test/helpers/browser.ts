/**
 * Headless Chromium for browser tests: Debian's `chromium` driven by playwright-core (no
 * browser download). Tests skip only when ENTROPIC_NO_BROWSER=1; otherwise a missing
 * browser fails them with the command that installs it, so CI cannot pass by skipping.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS } from "../../src/report/png.js";

export const chromiumPath = process.env.ENTROPIC_CHROMIUM ?? "/usr/bin/chromium";

/** The same flags `entropic report --png` launches Chromium with. */
export { CHROMIUM_ARGS };

/** True when browser tests were switched off on purpose (ENTROPIC_NO_BROWSER=1). */
export function browserTestsDisabled(): boolean {
  return process.env.ENTROPIC_NO_BROWSER === "1";
}

/** True when the Chromium binary is present. */
export function browserAvailable(): boolean {
  return existsSync(chromiumPath);
}

/** Launch headless Chromium with a fresh profile; throws a clear message when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable()) {
    throw new Error(`${chromiumPath} not found: install it with \`apt-get install -y chromium\` (or set ENTROPIC_NO_BROWSER=1 to skip browser tests)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // playwright gives every launch a fresh temporary profile of its own
    args: [...CHROMIUM_ARGS],
  });
}
