import { chromium } from "playwright-core";
import { readFileSync } from "fs";
const base = "http://localhost:8080";
const who = process.argv[2] || "citizen@podpis.demo";
const pages = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ru-RU" });
const page = await ctx.newPage();
await page.goto(base + "/login");
await page.fill("#login", who);
await page.fill("#password", "Demo-2026!");
const before = readFileSync("/tmp/demo2.log", "utf8").length;
await page.press("#password", "Enter");
let code = null;
for (let i = 0; i < 50 && !code; i++) {
  await new Promise((r) => setTimeout(r, 200));
  const m = readFileSync("/tmp/demo2.log", "utf8").slice(before).match(/код для входа (\d{6})/);
  if (m) code = m[1];
}
console.log("code", code);
await page.fill("input[name=code]", code);
await page.press("input[name=code]", "Enter");
await page.waitForLoadState();
console.log("after code", page.url(), (await page.textContent("main")).slice(0,300));
for (const p of pages) {
  await page.goto(base + p);
  const name = p.replace(/\//g, "_") || "_root";
  await page.screenshot({ path: `/tmp/shot${name}.png`, fullPage: true });
  console.log("shot", p, page.url());
}
await browser.close();
