// Drives the Microsoft 365 Agents Playground's web UI in headless Chromium, as a person would:
// in the personal chat types "ami <instance> --no-reboot" and waits for "AMI … is available", then
// "restore <snapshot> --instance <instance>", clicks Approve on the approval card and waits for
// "Volume … is attached". Saves two screenshots of the conversation: <prefix>-approval.png (the
// approval card, before the click) and <prefix>-restored.png (the end).
//
// Usage: node playground-shot.mjs <playground-url> <instance> <snapshot> <png-prefix>
// CHROMIUM overrides the browser (default /usr/bin/chromium).
import { chromium } from "playwright-core";

const [base, instance, snapshot, png] = process.argv.slice(2);
if (!base || !instance || !snapshot || !png) {
  console.error("usage: node playground-shot.mjs <playground-url> <instance> <snapshot> <png-prefix>");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const timeout = 30000;
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1250 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(timeout);
  await page.goto(base, { waitUntil: "networkidle" });

  // The log panel on the right is for debugging the playground itself; close it.
  const closeLog = page.locator("text=Log Panel").locator("xpath=..").getByRole("button").last();
  if (await closeLog.count()) await closeLog.click().catch(() => {});

  const compose = page.getByRole("textbox").last();
  const say = async (text) => {
    console.log(`> ${text}`);
    await compose.click();
    await compose.fill(text);
    await compose.press("Enter");
  };
  const shoot = async (name) => {
    await page.waitForTimeout(1500); // let the last update render and the chat scroll to it
    const path = `${png}-${name}.png`;
    await page.screenshot({ path, clip: { x: 0, y: 48, width: 1000, height: 1250 - 48 } });
    console.log(`saved ${path}`);
  };

  await say(`ami ${instance} --no-reboot`);
  await page.getByText(/AMI ami-\S+ is available/).first().waitFor();
  console.log("  AMI is available");

  await say(`restore ${snapshot} --instance ${instance}`);
  await page.getByText(/^Approval needed: Restore/).last().waitFor();
  await shoot("approval");
  console.log("  approval card shown; clicking Approve");
  await page.getByRole("button", { name: "Approve", exact: true }).last().click();
  await page.getByText(/Volume vol-\S+ is attached/).last().waitFor();
  console.log("  volume is attached");
  await shoot("restored");
} finally {
  await browser.close();
}
