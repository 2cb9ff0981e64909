// Renders every *.json Adaptive Card in a folder with the official adaptivecards library
// (AdaptiveCard.parse + render) inside headless Chromium, with a Teams-like host config, and saves
// one PNG per card, cropped to the card. Fails on any parse or validation event.
//
// Usage: node render-cards.mjs <cards-folder> <png-folder>
// CHROMIUM overrides the browser (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { readFileSync, readdirSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [cardsDir, outDir] = process.argv.slice(2);
if (!cardsDir || !outDir) {
  console.error("usage: node render-cards.mjs <cards-folder> <png-folder>");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const library = require.resolve("adaptivecards/dist/adaptivecards.min.js");
const hostConfig = JSON.parse(readFileSync(join(here, "host-config.json"), "utf8"));

export const browserArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

// What Teams draws around a bot card, roughly: a light chat background, a white rounded card.
const page_html = `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; background: #F5F5F5; }
  #frame { display: inline-block; padding: 16px; background: #F5F5F5; }
  #card { width: 560px; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.14); overflow: hidden; }
  .ac-pushButton { font: 600 14px 'Segoe UI', 'Open Sans', Arial, sans-serif; padding: 5px 16px; min-height: 32px;
    border-radius: 4px; border: 1px solid #D1D1D1; background: #fff; color: #242424; cursor: pointer; overflow: hidden; }
  .ac-pushButton.style-positive { background: #5B5FC7; border-color: #5B5FC7; color: #fff; }
  .ac-pushButton.style-destructive { background: #fff; border-color: #C4314B; color: #C4314B; }
  .ac-textBlock p { margin: 0; }
</style></head><body><div id="frame"><div id="card"></div></div></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: browserArgs,
});
let failures = 0;
try {
  const page = await browser.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 1.25 });
  for (const file of readdirSync(cardsDir).filter((f) => f.endsWith(".json")).sort()) {
    const card = JSON.parse(readFileSync(join(cardsDir, file), "utf8"));
    await page.setContent(page_html);
    await page.addScriptTag({ path: library });
    const problems = await page.evaluate(({ card, hostConfig }) => {
      const AC = window.AdaptiveCards;
      const adaptiveCard = new AC.AdaptiveCard();
      adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
      const context = new AC.SerializationContext(AC.Versions.v1_5);
      adaptiveCard.parse(card, context);
      const problems = [];
      for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
      for (const e of adaptiveCard.validateProperties().validationEvents) problems.push(e.message);
      document.getElementById("card").appendChild(adaptiveCard.render());
      return problems;
    }, { card, hostConfig });
    await page.evaluate(() => document.fonts.ready);
    const png = join(outDir, basename(file, ".json") + ".png");
    await page.locator("#frame").screenshot({ path: png });
    if (problems.length) {
      failures++;
      console.log(`FAIL ${file}: ${problems.join("; ")}`);
    } else {
      console.log(`ok   ${png}`);
    }
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
