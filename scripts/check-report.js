// Opens a rendered report in headless Chromium, counts the Plotly charts that really rendered, collects
// page errors and any request that left the machine, and takes a full-page screenshot.
//
//   node scripts/check-report.js reports/00-quickstart.html [--screenshot out.png]
//   const { checkReport } = require("./check-report.js");
//   const { plots, errors, charts } = await checkReport(html, { screenshot: "out.png" });
//
// Talks to Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: NUL-separated JSON
// on file descriptors 3 and 4), so it needs no npm package and no port. The browser is Debian's
// /usr/bin/chromium unless CHROMIUM names another.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { pathToFileURL } = require("node:url");

const WIDTH = 1300;
const MAX_SCREENSHOT_HEIGHT = 16000; // Chromium cannot capture much more than 16384 px in one image

/** The Chromium to run: $CHROMIUM, else Debian's, else the first of the usual names on PATH. */
function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  throw new Error("Chromium not found: run `bash scripts/setup.sh --browser` or set CHROMIUM=/path/to/chrome");
}

/** A DevTools-protocol connection over Chromium's pipe; `send` resolves with the command's result. */
function connect(toBrowser, fromBrowser, onEvent) {
  let nextId = 1;
  const pending = new Map();
  let buffer = "";
  fromBrowser.setEncoding("utf8");
  fromBrowser.on("data", (chunk) => {
    buffer += chunk;
    let end = buffer.indexOf("\0");
    while (end >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      end = buffer.indexOf("\0");
      if (message.id !== undefined && pending.has(message.id)) {
        const { resolve, reject, method } = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      } else if (message.method) {
        onEvent(message);
      }
    }
  });
  const failAll = (err) => {
    for (const { reject } of pending.values()) reject(err);
    pending.clear();
  };
  const send = (method, params = {}, sessionId = undefined) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, method });
      toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  return { send, failAll };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs in the page: every Plotly chart that drew its SVG, with its titles.
const CHARTS_IN_PAGE = `JSON.stringify([...document.querySelectorAll(".js-plotly-plot")]
  .filter((div) => div.querySelector("svg.main-svg"))
  .map((div) => {
    const text = (sel) => [...div.querySelectorAll(sel)].map((e) => e.textContent.trim()).filter(Boolean).join(" | ");
    return { title: text(".gtitle"), xTitle: text(".g-xtitle"), yTitle: text(".g-ytitle") };
  }))`;

// Runs in the page: where the verdict box starts, the tables that run past their cell, the chart images shown.
const LAYOUT_IN_PAGE = `JSON.stringify((() => {
  const verdict = document.querySelector(".antitrain-verdict");
  const label = (t) => (t.querySelector("caption")?.textContent || t.textContent).trim().slice(0, 70);
  return {
    verdictTop: verdict ? verdict.getBoundingClientRect().top + window.scrollY : null,
    verdictText: verdict ? verdict.textContent.trim().slice(0, 300) : null,
    wideTables: [...document.querySelectorAll("table")].filter((t) => {
      const cell = t.closest(".jp-Cell") || document.body;
      return t.getBoundingClientRect().right > Math.min(cell.getBoundingClientRect().right, window.innerWidth) + 1;
    }).map(label),
    pageWidth: document.documentElement.scrollWidth,
    chartDivs: document.querySelectorAll(".antitrain-chart").length,
    imagesShown: [...document.querySelectorAll("img.antitrain-fallback")].filter((i) => i.naturalWidth > 0 && i.getBoundingClientRect().height > 0).length,
  };
})())`;

/** Text of a console or exception argument. */
const describe = (arg) => (arg.value !== undefined ? String(arg.value) : (arg.description ?? arg.type));

/**
 * Starts headless Chromium with one blank page and calls `use({ page, pause, errors, loaded })`: `page(method,
 * params)` sends a DevTools command to the page, `pause(ms)` waits (and throws once `timeoutMs` is up or Chromium
 * is gone), `errors` collects uncaught exceptions, console errors, failed loads and every request to something other
 * than a local file or inline data, `loaded()` says whether the last navigation fired its load event. Closes the
 * browser and removes its profile afterwards, also when `use` throws. Resolves with what `use` returns.
 */
async function withChromiumPage(use, { timeoutMs = 60000, what = "the page", width = WIDTH, javascript = true } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-chromium-"));
  const browser = spawn(
    findChromium(),
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-quic",
      "--hide-scrollbars",
      "--mute-audio",
      `--user-data-dir=${profile}`,
      "--remote-debugging-pipe",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  browser.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let running = true;
  const exited = new Promise((resolve) => {
    browser.once("exit", resolve);
    browser.once("error", (err) => {
      stderr += `\n${err.message}`;
      resolve();
    });
  }).then(() => {
    running = false;
  });
  // A write to a browser that has gone fails on the pipe; the exit handler reports it instead.
  browser.stdio[3].on("error", () => {});

  const errors = [];
  let loaded = false;
  const cdp = connect(browser.stdio[3], browser.stdio[4], ({ method, params }) => {
    if (method === "Page.loadEventFired") loaded = true;
    else if (method === "Runtime.exceptionThrown") {
      const d = params.exceptionDetails;
      errors.push(`uncaught: ${d.exception?.description ?? d.text} (${d.url ?? what}:${d.lineNumber + 1})`);
    } else if (method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) {
      errors.push(`console.${params.type}: ${params.args.map(describe).join(" ")}`);
    } else if (method === "Log.entryAdded" && params.entry.level === "error") {
      errors.push(`${params.entry.source}: ${params.entry.text}${params.entry.url ? ` (${params.entry.url})` : ""}`);
    } else if (method === "Network.requestWillBeSent" && !/^(file|data|blob|about):/i.test(params.request.url)) {
      errors.push(`network request: ${params.request.url}`);
    }
  });
  exited.then(() => cdp.failAll(new Error(`Chromium exited before it finished with ${what}:\n${stderr}`)));
  const deadline = Date.now() + timeoutMs;
  const tooLong = () => new Error(`${what} took longer than ${timeoutMs} ms in Chromium`);
  const timer = setTimeout(() => cdp.failAll(tooLong()), timeoutMs);
  // Waits between polls of the page; throws once the time is up or Chromium is gone.
  const pause = async (ms) => {
    await sleep(ms);
    if (Date.now() > deadline) throw tooLong();
    if (!running) throw new Error(`Chromium exited before it finished with ${what}:\n${stderr}`);
  };

  try {
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    const page = (method, params) => cdp.send(method, params, sessionId);
    await Promise.all(["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"].map((m) => page(m)));
    await page("Emulation.setDeviceMetricsOverride", { width, height: 900, deviceScaleFactor: 1, mobile: false });
    if (!javascript) await page("Emulation.setScriptExecutionDisabled", { value: true });
    const navigate = async (url) => {
      loaded = false;
      await page("Page.navigate", { url });
      while (!loaded) await pause(100);
    };
    return await use({ page, pause, errors, navigate });
  } finally {
    clearTimeout(timer);
    cdp.send("Browser.close").catch(() => {});
    let grace;
    const closed = await Promise.race([
      exited.then(() => true),
      new Promise((resolve) => {
        grace = setTimeout(resolve, 5000, false);
      }),
    ]);
    clearTimeout(grace);
    if (!closed) {
      browser.kill("SIGKILL");
      await exited;
    }
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Writes `data` to `file` atomically (a temporary file beside it, then a rename). */
function writeAtomic(file, data) {
  const out = path.resolve(file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, out);
}

/**
 * Loads `htmlPath` in headless Chromium and waits until the number of rendered Plotly charts stops
 * changing. Returns { plots, charts: [{ title, xTitle, yTitle }], errors }: errors lists uncaught
 * exceptions, console errors, failed loads and every request to something other than a local file
 * or inline data. With `screenshot`, writes a full-page PNG there (atomically).
 */
async function checkReport(htmlPath, { screenshot = undefined, timeoutMs = 60000, width = WIDTH, javascript = true, screenshotHeight = MAX_SCREENSHOT_HEIGHT } = {}) {
  const file = path.resolve(htmlPath);
  if (!fs.existsSync(file)) throw new Error(`no report at ${htmlPath}`);
  return withChromiumPage(
    async ({ page, pause, errors, navigate }) => {
      await navigate(pathToFileURL(file).href);
      // Plotly draws on the page's timers after load: wait until the chart count holds for a second.
      let charts = [];
      for (let stable = javascript ? 0 : 4; stable < 4; ) {
        await pause(250);
        const { result } = await page("Runtime.evaluate", { expression: CHARTS_IN_PAGE, returnByValue: true });
        const now = JSON.parse(result.value);
        stable = now.length === charts.length ? stable + 1 : 0;
        charts = now;
      }
      if (screenshot) {
        const { result } = await page("Runtime.evaluate", { expression: "document.documentElement.scrollHeight", returnByValue: true });
        const height = Math.min(Math.max(1, Math.ceil(result.value)), screenshotHeight, MAX_SCREENSHOT_HEIGHT);
        const { data } = await page("Page.captureScreenshot", {
          format: "png",
          captureBeyondViewport: true,
          clip: { x: 0, y: 0, width: WIDTH, height, scale: 1 },
        });
        writeAtomic(screenshot, Buffer.from(data, "base64"));
      }
      const { result: facts } = await page("Runtime.evaluate", { expression: LAYOUT_IN_PAGE, returnByValue: true });
      return { plots: charts.length, charts, errors, layout: JSON.parse(facts.value) };
    },
    { timeoutMs, what: htmlPath, width, javascript },
  );
}

/**
 * Opens each report in one headless Chromium (JavaScript on or off) at `width` px and returns, per report, the
 * page's layout facts: `verdictTop` (px from the top of the page to the verdict box, null without one), `verdictText`,
 * `wideTables` (captions of tables that run past their cell or the window), `pageWidth`, `chartDivs`, `imagesShown`
 * (static chart images that loaded and show), and `errors` (as checkReport's, for that page).
 */
async function reportLayouts(htmlPaths, { width = WIDTH, javascript = false, timeoutMs = 180000 } = {}) {
  return withChromiumPage(
    async ({ page, pause, errors, navigate }) => {
      const out = [];
      for (const htmlPath of htmlPaths) {
        const seen = errors.length;
        await navigate(pathToFileURL(path.resolve(htmlPath)).href);
        if (javascript) await pause(1500);
        const { result } = await page("Runtime.evaluate", { expression: LAYOUT_IN_PAGE, returnByValue: true });
        out.push({ file: htmlPath, ...JSON.parse(result.value), errors: errors.slice(seen) });
      }
      return out;
    },
    { timeoutMs, what: `${htmlPaths.length} report(s)`, width, javascript },
  );
}

/**
 * Renders Plotly figures ({ data, layout } each) to PNG with the notebooks' own Plotly bundle in headless
 * Chromium, offline. Returns one base64 PNG (no data: prefix) per figure, `width` pixels wide and as tall as the
 * figure's layout.height (default 380). Throws if a figure does not render or the page logs an error.
 */
async function figureImages(figures, { bundle = require.resolve("plotly.js-cartesian-dist-min"), width = 900, timeoutMs = 120000 } = {}) {
  if (figures.length === 0) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-figures-"));
  try {
    const html = path.join(dir, "figures.html");
    fs.writeFileSync(html, `<!doctype html><html><body><script src="${pathToFileURL(bundle).href}"></script></body></html>`);
    return await withChromiumPage(
      async ({ page, errors, navigate }) => {
        await navigate(pathToFileURL(html).href);
        const images = [];
        for (const figure of figures) {
          const height = Number(figure.layout?.height) || 380;
          const expression = `Plotly.toImage(${JSON.stringify(figure)}, { format: "png", width: ${width}, height: ${height} })`;
          const { result, exceptionDetails } = await page("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
          if (exceptionDetails) throw new Error(`a chart did not render: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
          const url = String(result.value);
          if (!url.startsWith("data:image/png;base64,")) throw new Error(`a chart did not render to PNG (got ${url.slice(0, 40)}...)`);
          images.push(url.slice("data:image/png;base64,".length));
        }
        if (errors.length > 0) throw new Error(`rendering charts to PNG: ${errors.join("; ")}`);
        return images;
      },
      { timeoutMs, what: "the chart images" },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv) {
  const at = argv.indexOf("--screenshot");
  const screenshot = at >= 0 ? argv[at + 1] : undefined;
  const reports = argv.filter((a, i) => !a.startsWith("-") && (at < 0 || i !== at + 1));
  if (reports.length === 0 || argv.includes("--help")) {
    console.error("usage: node scripts/check-report.js REPORT.html [--screenshot OUT.png]");
    return 2;
  }
  let failed = 0;
  for (const report of reports) {
    const shot = screenshot && reports.length > 1 ? screenshot.replace(/(\.png)?$/, `-${path.basename(report, ".html")}.png`) : screenshot;
    const { plots, charts, errors } = await checkReport(report, { screenshot: shot });
    console.log(`${report}: ${plots} Plotly chart(s) rendered${shot ? `, screenshot ${shot}` : ""}`);
    for (const c of charts) console.log(`  chart "${c.title}": x "${c.xTitle}", y "${c.yTitle}"`);
    for (const e of errors) console.error(`  error: ${e}`);
    if (errors.length > 0) failed += 1;
  }
  return failed > 0 ? 1 : 0;
}

module.exports = { checkReport, reportLayouts, figureImages, findChromium, withChromiumPage };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}
