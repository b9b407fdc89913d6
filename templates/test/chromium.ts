import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where Debian's `chromium` package (scripts/install-system-packages.sh) puts the browser. */
export const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/**
 * Launches Debian's headless Chromium. `hostMap` maps made-up host names to 127.0.0.1, so pages
 * can be served under a name (no IP address in their URLs) while every connection stays on
 * loopback.
 */
export async function launchChromium(hostMap: readonly string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `no Chromium at ${chromiumPath}: run npm run setup (installs Debian's chromium) or set CHROMIUM_PATH`,
    );
  const rules = hostMap.map((host) => `MAP ${host} 127.0.0.1`).join(",");
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Tests run as root in CI, where Chromium's sandbox cannot start.
    // Without AutomationControlled, `navigator.webdriver` is false, as in a person's browser
    // (analytics SDKs drop events from automated browsers).
    args: [
      "--no-sandbox",
      "--disable-blink-features=AutomationControlled",
      ...(rules ? [`--host-resolver-rules=${rules}`] : []),
    ],
  });
}
