/**
 * Throughput of the @trustspec/suz marking-code parser, in codes per second on one core, with a
 * naive regular-expression parser (written below, same result shape, same checks) measured in the
 * same run as the baseline.
 *
 * Reproduce from the repository root: `pnpm --filter @trustspec/suz bench`.
 *
 * Each task iteration reads a batch of distinct, seeded random codes, so per-call timer overhead
 * does not count and no single string stays hot in the caches.
 */

import { seededRandom } from "@trustspec/runtime";
import { Bench } from "tinybench";
import {
  buildMarkingCode,
  GS,
  GS1_CSET82,
  isValidMarkingCode,
  parseMarkingCode,
} from "../src/marking/index.js";

// --- seeded inputs --------------------------------------------------------------------------------

const random = seededRandom(0x5eed);
const pick = (alphabet: string, n: number): string => {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet.charAt(Math.floor(random() * alphabet.length));
  return out;
};
function gtin(): string {
  const body = pick("0123456789", 13);
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += (13 - i) % 2 === 1 ? Number(body[i]) * 3 : Number(body[i]);
  return body + String((10 - (sum % 10)) % 10);
}

const BATCH = 1000;
const short: string[] = [];
const long: string[] = [];
for (let i = 0; i < BATCH; i++) {
  short.push(
    buildMarkingCode({ gtin: gtin(), serial: pick(GS1_CSET82, 6), checkCode: pick(GS1_CSET82, 4) })
      .raw,
  );
  long.push(
    buildMarkingCode({
      gtin: gtin(),
      serial: pick(GS1_CSET82, 13),
      verificationKey: pick(GS1_CSET82, 4),
      verificationCode: pick(GS1_CSET82, 44),
    }).raw,
  );
}

// --- the baseline: a straightforward regex parser ---------------------------------------------

const C82 = "[!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]";
const PREFIX = "(?:\\]d2)?[\\u001d\\u00e8]?";
const SHORT_RE = new RegExp(`^${PREFIX}01(\\d{14})21(${C82}{6})\\u001d93(${C82}{4})$`);
const LONG_RE = new RegExp(
  `^${PREFIX}01(\\d{14})21(${C82}{13})\\u001d91(${C82}{4})\\u001d92(${C82}{44})$`,
);
function naiveCheckDigitOk(g: string): boolean {
  const digits = g.split("").map(Number);
  const check = digits.pop();
  const sum = digits.reverse().reduce((acc, d, i) => acc + (i % 2 === 0 ? d * 3 : d), 0);
  return (10 - (sum % 10)) % 10 === check;
}
function naiveIsValid(code: string, re: RegExp): boolean {
  const m = re.exec(code);
  return m !== null && naiveCheckDigitOk(m[1]!);
}
function naiveParse(code: string) {
  let m = SHORT_RE.exec(code);
  if (m !== null) {
    const [, gtin, serial, checkCode] = m as unknown as [string, string, string, string];
    if (!naiveCheckDigitOk(gtin)) throw new Error("bad check digit");
    return {
      structure: "feed-additives-3",
      gtin,
      serial,
      checkCode,
      groups: [
        { ai: "01", value: gtin },
        { ai: "21", value: serial },
        { ai: "93", value: checkCode },
      ],
    };
  }
  m = LONG_RE.exec(code);
  if (m !== null) {
    const [, gtin, serial, verificationKey, verificationCode] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (!naiveCheckDigitOk(gtin)) throw new Error("bad check digit");
    return {
      structure: "feed-additives-4",
      gtin,
      serial,
      verificationKey,
      verificationCode,
      groups: [
        { ai: "01", value: gtin },
        { ai: "21", value: serial },
        { ai: "91", value: verificationKey },
        { ai: "92", value: verificationCode },
      ],
    };
  }
  throw new Error("not a marking code");
}

// Concatenation leaves ropes; scanned codes arrive as flat strings, so flatten like a decoder would.
for (const list of [short, long]) {
  for (let i = 0; i < list.length; i++)
    list[i] = Buffer.from(list[i]!, "latin1").toString("latin1");
}

// Sanity: both parsers agree on every input, and the inputs have the expected shape.
for (const code of [...short, ...long]) {
  const ours = parseMarkingCode(code);
  const theirs = naiveParse(code);
  if (JSON.stringify(ours.groups) !== JSON.stringify(theirs.groups)) {
    throw new Error(`parsers disagree on ${JSON.stringify(code)}`);
  }
}
if (!short[0]!.includes(GS) || short[0]!.length !== 31 || long[0]!.length !== 85) {
  throw new Error("unexpected input shape");
}

// --- measure -------------------------------------------------------------------------------------

let sink = 0;
const bench = new Bench({ time: 1500, warmupTime: 300 });
const tasks: [string, string[], (code: string) => number][] = [
  ["parse 3-group (ours)", short, (c) => parseMarkingCode(c).serial.length],
  ["parse 3-group (regex baseline)", short, (c) => naiveParse(c).serial.length],
  ["parse 4-group (ours)", long, (c) => parseMarkingCode(c).serial.length],
  ["parse 4-group (regex baseline)", long, (c) => naiveParse(c).serial.length],
  ["validate 3-group (ours)", short, (c) => (isValidMarkingCode(c) ? 1 : 0)],
  ["validate 3-group (regex baseline)", short, (c) => (naiveIsValid(c, SHORT_RE) ? 1 : 0)],
  ["  3-group regex .test only (no GTIN check)", short, (c) => (SHORT_RE.test(c) ? 1 : 0)],
  ["validate 4-group (ours)", long, (c) => (isValidMarkingCode(c) ? 1 : 0)],
  ["validate 4-group (regex baseline)", long, (c) => (naiveIsValid(c, LONG_RE) ? 1 : 0)],
  ["  4-group regex .test only (no GTIN check)", long, (c) => (LONG_RE.test(c) ? 1 : 0)],
];
for (const [name, codes, fn] of tasks) {
  bench.add(name, () => {
    for (let i = 0; i < codes.length; i++) sink += fn(codes[i]!);
  });
}
await bench.run();

const rate = new Map<string, number>();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== "completed") throw new Error(`${task.name}: ${r.state}`);
  rate.set(task.name, BATCH / (r.period / 1000));
}
console.log(`node ${process.version}, ${BATCH} distinct codes per iteration, one core\n`);
console.log(`${"task".padEnd(44)}${"codes/s".padStart(14)}${"vs baseline".padStart(14)}`);
for (const [name] of tasks) {
  const ours = rate.get(name)!;
  const base = name.endsWith("(ours)")
    ? rate.get(name.replace("(ours)", "(regex baseline)"))
    : undefined;
  const ratio = base === undefined ? "" : `${(ours / base).toFixed(2)}x`;
  console.log(
    `${name.padEnd(44)}${Math.round(ours).toLocaleString("en-US").padStart(14)}${ratio.padStart(14)}`,
  );
}
console.log(`\n(checksum ${sink})`);
