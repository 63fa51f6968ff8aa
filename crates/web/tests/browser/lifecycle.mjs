// The certificate's lifecycle in a real headless Chromium (Debian's), driven by Playwright: a
// citizen and a centre's operator, each in a browser context of their own, walk the happy path
// through the pages — the citizen applies for a cloud key (the form, a PDF scan, submission) →
// the operator approves it and publishes a visit slot → the citizen pays on the sandbox card page
// and books the visit, whose page shows the QR code and the short code → the operator opens the
// application by that code and confirms the identity → the citizen sets the key's PIN, gets the
// issuance act (a PDF) and connects the certificate on the signatures page with the PIN and the
// SMS code → the citizen uploads a document on the documents page and signs it there with the
// cloud key (the PIN and an SMS code) → anyone, without signing in, checks the document and the
// downloaded .sig on the public verification page.
//
// PODPIS_URL: the portal; SINK_URL: the sinks' listing of what they received (JSON);
// CITIZEN / OPERATOR: "e-mail phone-digits" of the two accounts (password Пароль-2026).
import { chromium } from "playwright-core";

const base = process.env.PODPIS_URL;
const sink = process.env.SINK_URL;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!base || !sink || !process.env.CITIZEN || !process.env.OPERATOR) {
  throw new Error("PODPIS_URL, SINK_URL, CITIZEN and OPERATOR must be set");
}
const [citizenEmail, citizenPhone] = process.env.CITIZEN.split(" ");
const [operatorEmail, operatorPhone] = process.env.OPERATOR.split(" ");
const password = "Пароль-2026";
const pin = "482913";

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

// The newest code the sinks received for `to` that was not used yet.
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

// A small valid PDF, as a scan of the passport would be.
const scan = Buffer.from(
  "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
);

// A slot three days ahead, 10:00 Moscow time, as the operator types it.
function slotText() {
  const d = new Date(Date.now() + 3 * 86400000 + 3 * 3600000);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} 10:00`;
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
  async function signedIn(email, phone) {
    const context = watch(await browser.newContext({ locale: "ru-RU" }));
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(`${base}/login`);
    await page.fill("#login", email);
    await page.fill("#password", password);
    await page.click("form[action='/login'] button[type=submit]");
    await page.waitForSelector("#code");
    await page.fill("#code", await codeFor(phone, seen));
    await page.click("form[action='/login/code'] button[type=submit]");
    await page.waitForURL(`${base}/cabinet`);
    return page;
  }
  const citizen = await signedIn(citizenEmail, citizenPhone);
  const operator = await signedIn(operatorEmail, operatorPhone);
  check(true, "the citizen and the operator are signed in");

  // The citizen applies for a cloud key.
  await citizen.goto(`${base}/applications`);
  await citizen.selectOption("select[name=subject_type]", "person");
  await citizen.selectOption("select[name=medium]", "cloud");
  await citizen.click("form[action='/applications/new'] button[type=submit]");
  await citizen.waitForURL(/\/applications\/[^/]+$/);
  const application = citizen.url();
  const id = application.split("/").pop();
  check((await citizen.textContent("main")).includes("Черновик"), "a draft application");
  check((await citizen.inputValue("input[name=snils]")).length > 0, "the SNILS is prefilled from the profile");
  await citizen.fill("input[name=birth_date]", "1988-04-12");
  await citizen.fill("input[name=document_number]", "4510 778899");
  await citizen.check("input[name=consent]");
  await citizen.click(`form[action='/applications/${id}/save'] button[type=submit]`);
  await citizen.waitForSelector("input[name=document_number][value='4510 778899']");
  await citizen.selectOption("select[name=kind]", "passport");
  await citizen.setInputFiles("input[name=file]", { name: "passport.pdf", mimeType: "application/pdf", buffer: scan });
  await citizen.click(`form[action='/applications/${id}/scans'] button[type=submit]`);
  await citizen.waitForSelector("text=passport.pdf");
  check(true, "the passport scan is attached");
  await citizen.click(`form[action='/applications/${id}/submit'] button[type=submit]`);
  await citizen.waitForSelector("text=Принято, ждёт проверки в УЦ");
  check(true, "the application is submitted and accepted by the automatic checks");

  // The operator approves it and publishes a slot.
  await operator.goto(`${base}/operator`);
  check((await operator.textContent("main")).includes("Кузнецова"), "the application is in the operator's queue");
  await operator.click(`form[action='/operator/review']:has(input[value='${id}']) button[value=approve]`);
  await operator.waitForLoadState();
  await operator.goto(`${base}/operator`);
  await operator.fill("input[name=starts]", slotText());
  await operator.click("form[action='/operator/slots'] button[type=submit]");
  await operator.waitForLoadState();
  check(true, `a visit slot is published for ${slotText()} МСК`);

  // The citizen pays on the sandbox card page and books the visit.
  await citizen.goto(application);
  await citizen.click(`form[action='/applications/${id}/pay'] button[type=submit]`);
  await citizen.waitForSelector("#card");
  check((await citizen.textContent("main")).includes("1\u00a0500\u00a0₽"), "the sandbox page asks for the centre's price");
  await citizen.fill("#card", "4000 0000 0000 0002");
  await citizen.click("form[action='/sandbox/pay'] button[type=submit]");
  await citizen.waitForSelector("#declined");
  check((await citizen.textContent("#declined")).includes("insufficient funds"), "a declined card: back on the application page, told why");
  await citizen.click(`form[action='/applications/${id}/pay'] button[type=submit]`);
  await citizen.waitForSelector("#card");
  await citizen.fill("#card", "4242 4242 4242 4242");
  await citizen.click("form[action='/sandbox/pay'] button[type=submit]");
  await citizen.waitForURL(application);
  check((await citizen.textContent("main")).includes("Оплачено"), "paid, back on the application page");
  await citizen.click(`form[action='/applications/${id}/visit'] button[type=submit]`);
  await citizen.waitForSelector(".qr svg");
  const visitCode = (await citizen.textContent("#visit-code")).trim();
  check(/^\d{4}-\d{4}$/.test(visitCode), `the visit page shows the QR code and the short code ${visitCode}`);
  const modules = await citizen.locator(".qr svg").evaluate((svg) => svg.innerHTML.length);
  check(modules > 1000, "the QR code is drawn");
  await citizen.screenshot({ path: process.env.SCREENSHOT || "/tmp/podpis-visit.png", fullPage: true });

  // At the centre: the operator opens the application by the code and confirms the identity.
  await operator.goto(`${base}/operator`);
  await operator.fill("form[action='/operator/open'] input[name=code]", visitCode);
  await operator.click("form[action='/operator/open'] button[type=submit]");
  await operator.waitForSelector("text=4510 778899");
  check((await operator.textContent("main")).includes("passport.pdf"), "the operator sees the data and the scan");
  await operator.click("button[value=confirm]");
  await operator.waitForSelector("text=Личность подтверждена");
  check(true, "the identity is confirmed");

  // The citizen sets the PIN: the key is made in the vault, the certificate issued.
  await citizen.goto(application);
  await citizen.fill("input[name=pin]", pin);
  await citizen.click(`form[action='/applications/${id}/cloud-key'] button[type=submit]`);
  await citizen.waitForSelector(`a[href='/applications/${id}/act.pdf']`);
  const act = await citizen.evaluate(async (href) => {
    const r = await fetch(href);
    return { type: r.headers.get("content-type"), head: (await r.text()).slice(0, 5) };
  }, `/applications/${id}/act.pdf`);
  check(act.type === "application/pdf" && act.head === "%PDF-", "the issuance act is a PDF");

  // The citizen connects the certificate with the PIN and the SMS code.
  await citizen.goto(`${base}/signatures`);
  await citizen.click(`form[action='/signatures/bind-issued']:has(input[value='${id}']) button[type=submit]`);
  await citizen.waitForSelector("#pin");
  await citizen.fill("#pin", pin);
  await citizen.fill("#code", await codeFor(citizenPhone, seen));
  await citizen.click("#step button[type=submit]");
  await citizen.waitForSelector("text=Сертификат подключён");
  check((await citizen.textContent("#bindings")).includes("подключена"), "the certificate is connected");
  await citizen.goto(application);
  check((await citizen.textContent("main")).includes("Завершено"), "the application is closed");

  // The citizen signs a document with the cloud key on the documents page.
  const letter = Buffer.from("Прошу назначить выплату.\n");
  await citizen.goto(`${base}/documents`);
  await citizen.selectOption("#service", "contract");
  await citizen.setInputFiles("#file", { name: "заявление.txt", mimeType: "text/plain", buffer: letter });
  await citizen.click("#upload button[type=submit]");
  await citizen.waitForSelector("text=заявление.txt");
  await citizen.check("#documents input[type=checkbox]");
  await citizen.click("#sign button[type=submit]");
  await citizen.waitForSelector("#pin");
  await citizen.fill("#pin", pin);
  await citizen.fill("#code", await codeFor(citizenPhone, seen));
  await citizen.click("#step button[type=submit]");
  await citizen.waitForSelector("#signed");
  check((await citizen.textContent("#documents")).includes("Подписан, отправлен на обработку"), "the document is signed and sent");
  const sigHref = await citizen.getAttribute("a[href$='/signature.sig']", "href");
  const sig = Buffer.from(
    await citizen.evaluate(async (href) => Array.from(new Uint8Array(await (await fetch(href)).arrayBuffer())), sigHref),
  );
  check(sig.length > 500 && sig[0] === 0x30, "the .sig downloads (DER)");
  const [pack] = await Promise.all([citizen.waitForEvent("download"), citizen.click("a[href$='/package.zip']")]);
  check(pack.suggestedFilename() === "заявление.txt.zip", `the package is saved under the document's name: ${pack.suggestedFilename()}`);

  // Anyone checks it on the public verification page, without signing in.
  const visitor = await (watch(await browser.newContext({ locale: "ru-RU" }))).newPage();
  await visitor.goto(`${base}/verify`);
  await visitor.setInputFiles("#document", { name: "letter.txt", mimeType: "text/plain", buffer: letter });
  await visitor.setInputFiles("#signature", { name: "letter.txt.sig", mimeType: "application/pkcs7-signature", buffer: sig });
  await visitor.click("#verify button[type=submit]");
  await visitor.waitForSelector("#report");
  const report = await visitor.textContent("#report");
  check(report.includes("Подпись действительна") && report.includes("Документ не изменён"), "the public page finds the signature valid and the bytes intact");
  check(report.includes("Кузнецова") && report.includes("УЦ Демо"), "it names the signer and the accredited centre");
  check(refused.length === 0, `the Content Security Policy refused nothing: ${refused.join("; ")}`);
} catch (e) {
  const pages = browser.contexts().flatMap((c) => c.pages());
  for (const p of pages) console.log(`a page at the failure (${p.url()}):\n${await p.textContent("body")}`);
  throw e;
} finally {
  await browser.close();
}
console.log("lifecycle walk: passed");
