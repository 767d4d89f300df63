// Development aid, not a test: screenshots of a running server at desktop and phone width.
//   node --import tsx tests/e2e/shoot.ts http://127.0.0.1:3100 [operator-password] [prefix]
import { artifactPath, launchBrowser, login, newPage } from "./support";

const [url = "http://127.0.0.1:3100", password = "operator-pass-1234", prefix = "dev"] = process.argv.slice(2);
const browser = await launchBrowser();
try {
  for (const [w, h] of [
    [1280, 800],
    [375, 812],
  ] as const) {
    const { context, page } = await newPage(browser, w, h);
    page.on("console", (m) => m.type() === "error" && console.log(`[console ${w}] ${m.text()}`));
    await login(page, { url, username: "operator", password });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: artifactPath(`${prefix}-${w}x${h}.png`) });
    await page.screenshot({ path: artifactPath(`${prefix}-${w}x${h}-full.png`), fullPage: true });
    if (w < 800) {
      const total = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = h, i = 1; y < total; y += h, i++) {
        await page.evaluate((top) => window.scrollTo(0, top), y);
        await page.waitForTimeout(200);
        await page.screenshot({ path: artifactPath(`${prefix}-${w}x${h}-part${i}.png`) });
      }
    }
    console.log(`${w}x${h} done`);
    await context.close();
  }
} finally {
  await browser.close();
}
