// The citizen's walk through the portal in a real headless Chromium (Debian's), driven by
// Playwright: register → confirm the phone and the e-mail with the codes that reached the test
// SMS gateway and SMTP server → sign out → sign in with password and SMS code → see the journal
// → add a passkey with Chromium's virtual authenticator (DevTools WebAuthn domain) → sign out →
// sign in with the passkey alone.
//
// PODPIS_URL: the portal; SINK_URL: the sinks' listing of what they received (JSON).
import { chromium } from "playwright-core";

const base = process.env.PODPIS_URL;
const sink = process.env.SINK_URL;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!base || !sink) throw new Error("PODPIS_URL and SINK_URL must be set");

const phone = "+7 999 300-40-50";
const email = "browser@example.ru";
const password = "Пароль-2026";

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

// The newest code the sinks received for `to` (the SMTP recipient or the SMS gateway's URL).
async function codeFor(to, seen) {
  for (let i = 0; i < 100; i++) {
    const all = await (await fetch(sink)).json();
    const hits = all.filter((m) => m.to.includes(to) && m.code && !seen.has(m.code));
    if (hits.length) {
      const code = hits[hits.length - 1].code;
      seen.add(code);
      return code;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code for ${to} reached the sinks`);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

// What the pages' Content Security Policy refused: nothing may be, or a page lost a script or
// a style of its own.
const refused = [];
function watch(context) {
  context.on("console", (m) => {
    if (m.type() === "error" && m.text().includes("Content Security Policy")) refused.push(m.text());
  });
  return context;
}
const seen = new Set();
try {
  const context = watch(await browser.newContext({ locale: "ru-RU" }));
  const page = await context.newPage();
  page.setDefaultTimeout(15000);

  // Register.
  await page.goto(`${base}/register`);
  await page.fill("#surname", "Браузерова");
  await page.fill("#given_name", "Ольга");
  await page.fill("#patronymic", "Петровна");
  await page.fill("#phone", phone);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("form[action='/register'] button[type=submit]");
  await page.waitForSelector("#phone_code");
  check((await page.textContent("h1")).includes("Подтверждение"), "the confirmation page after registration");

  // Confirm the phone and the e-mail with the codes from the sinks.
  await page.fill("#phone_code", await codeFor("79993004050", seen));
  await page.fill("#email_code", await codeFor(email, seen));
  await page.click("form[action='/confirm'] button[type=submit]");
  await page.waitForSelector(".notice");
  check((await page.textContent(".notice")).includes("подтверждены"), "phone and e-mail confirmed");

  // Sign in with password + SMS code.
  async function signIn() {
    await page.goto(`${base}/login`);
    await page.fill("#login", email);
    await page.fill("#password", password);
    await page.click("form[action='/login'] button[type=submit]");
    await page.waitForSelector("#code");
    await page.fill("#code", await codeFor("79993004050", seen));
    await page.click("form[action='/login/code'] button[type=submit]");
    await page.waitForURL(`${base}/cabinet`);
  }
  await signIn();
  check((await page.textContent("main")).includes("Здравствуйте, Ольга"), "the cabinet after sign-in");

  // Sign out, and back in.
  await page.click("form[action='/logout'] button");
  await page.waitForURL(`${base}/login`);
  await signIn();
  check(true, "signed in again with password and SMS code");

  // The journal shows what happened.
  await page.goto(`${base}/journal`);
  const journal = await page.textContent("#journal");
  for (const title of ["Регистрация", "Подтверждение контакта", "Вход", "Выход"]) {
    check(journal.includes(title), `the journal shows «${title}»`);
  }

  // A passkey with Chromium's virtual authenticator.
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });
  await page.goto(`${base}/security`);
  await page.fill("#passkey-name", "Виртуальный ключ");
  await page.click("#passkey-add");
  await page.waitForSelector("#passkeys li");
  check((await page.textContent("#passkeys")).includes("Виртуальный ключ"), "a passkey was added");

  // Sign out and in with the passkey alone.
  await page.click("form[action='/logout'] button");
  await page.waitForURL(`${base}/login`);
  await page.click("#passkey-login");
  await page.waitForURL(`${base}/cabinet`);
  check((await page.textContent("main")).includes("Здравствуйте, Ольга"), "signed in with the passkey alone");
  await page.goto(`${base}/journal?action=signed_in`);
  check((await page.textContent("#journal")).includes("ключ доступа «Виртуальный ключ»"), "the journal names the passkey sign-in");
  await page.screenshot({ path: process.env.SCREENSHOT || "/tmp/podpis-journal.png", fullPage: true });
  check(refused.length === 0, `the Content Security Policy refused nothing: ${refused.join("; ")}`);
} catch (e) {
  const pages = browser.contexts().flatMap((c) => c.pages());
  if (pages.length) console.log(`the page at the failure (${pages[0].url()}):\n${await pages[0].textContent("body")}`);
  throw e;
} finally {
  await browser.close();
}
console.log("browser walk: passed");
