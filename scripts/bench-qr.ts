// `npm run bench:qr`: the CPU one QR costs the KHQR worker, measured on its own (no stack needed):
// drawing the PNG of GET /khqr from a checked KHQR string (shared/khqr/qr-png.ts), in its two parts,
// against what it replaced, reading AMK's PNG back (fast-png decode + jsQR). Node runs the same V8
// as workerd; `npm run bench` adds the route's own `cpu.qr-png` step from workerd.
//   BENCH_QR_RENDERS=1000 npm run bench:qr       prints the table
//   npm run bench:qr -- --write                  also writes its section of docs/benchmarks.md
import { cpus, loadavg, totalmem } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { buildKhqr } from "../shared/khqr/payload.ts";
import { qrModules } from "../shared/khqr/qr-modules.ts";
import { qrPng, qrPngBase64 } from "../shared/khqr/qr-png.ts";
import { qrPng as sandboxBankPng, toBase64 } from "../sandbox/amk/qr-png.ts";
import { decodeQrPng } from "../test/support/qr-image.ts";

const RENDERS = Number(process.env.BENCH_QR_RENDERS ?? 1000);
/** Decoding is slow: fewer of them say enough. */
const DECODES = Math.max(10, Math.round(RENDERS / 20));

/** Distinct KHQR strings as AMK issues them, with a Khmer merchant name (the longest UTF-8). */
const khqr = (i: number) =>
  buildKhqr({
    bakongAccountId: "dai_ichi_life@amkb",
    merchantId: "900000000290002",
    acquiringBank: "AMK Bank",
    merchantName: "ឌៃអ៊ីឈី ឡាយហ្វ៍ កម្ពុជា",
    merchantCity: "Phnom Penh",
    amount: (1000 + (i % 5000)) / 100,
    currency: "USD",
    billNumber: `P${String(i).padStart(9, "0")}`,
    createdAtMs: 1_760_000_000_000 + i,
    expiresAtMs: 1_760_000_900_000 + i,
  });

/** ms of each call of `work` over `inputs`. */
function times<T>(inputs: T[], work: (input: T) => unknown): number[] {
  return inputs.map((input) => {
    const started = performance.now();
    work(input);
    return performance.now() - started;
  });
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { mean: ms.reduce((a, b) => a + b, 0) / ms.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}

const strings = Array.from({ length: RENDERS }, (_, i) => khqr(i + 1));
const sample = strings[0]!;
// The first call in a fresh isolate pays for compiling the code; measured before anything else runs it.
const first = times([khqr(0)], qrPngBase64)[0]!;
const modules = stats(times(strings, qrModules));
const png = stats(times(strings, qrPng));
const whole = stats(times(strings, qrPngBase64));
const amkPngs = strings.slice(0, DECODES).map((s) => toBase64(sandboxBankPng(s)));
const decoded = stats(times(amkPngs, decodeQrPng));
if (decodeQrPng(qrPngBase64(sample)) !== sample) throw new Error("the rendered PNG does not scan back to its string");

const ms = (value: number) => value.toFixed(2);
const row = (what: string, count: number, s: ReturnType<typeof stats>) =>
  `| ${what} | ${count} | ${ms(s.mean)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} |`;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
const section = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, load average ${loadavg()[0]!.toFixed(1)}; ` +
    `a ${new TextEncoder().encode(sample).length}-byte KHQR string with a Khmer merchant name: ` +
    `a ${qrModules(sample).count}-module code, a ${qrPng(sample).length}-byte PNG (${qrPngBase64(sample).length} Base64 characters).`,
  "",
  "| work, per QR | QRs | mean ms | p50 ms | p99 ms | max ms |",
  "|---|---|---|---|---|---|",
  row("modules (`qr`)", RENDERS, modules),
  row("modules + PNG (fast-png `encode`, 1-bit)", RENDERS, png),
  row("**the whole `qrCode`** (modules, PNG, Base64)", RENDERS, whole),
  row("what it replaced: reading AMK's PNG back (fast-png `decode` + jsQR)", DECODES, decoded),
  "",
  `The first QR an isolate draws took ${ms(first)} ms (compiling the code); every later one costs the row above.`,
].join("\n");
console.log(`\n${section}\n`);

if (process.argv.includes("--write")) {
  const doc = readFileSync("docs/benchmarks.md", "utf8");
  const [begin, end] = ["<!-- bench:qr -->", "<!-- /bench:qr -->"];
  if (!doc.includes(begin) || !doc.includes(end)) throw new Error(`docs/benchmarks.md has no ${begin} ... ${end} section`);
  writeFileSync("docs/benchmarks.md", `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${section}\n${doc.slice(doc.indexOf(end))}`);
  console.log("docs/benchmarks.md: the QR section is rewritten");
}
