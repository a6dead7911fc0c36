/**
 * Signature creation and verification rates of the @trustspec/suz signers (CAdES-BES CMS,
 * detached, over a registration body of 80 bytes), each against baselines measured in the same
 * run on the same key:
 *
 * - RSA 2048 and ECDSA P-256: bare `node:crypto` sign/verify of the same bytes (the raw
 *   signature, no CMS), and a bare pkijs SignedData with only the two mandatory signed attributes
 *   (contentType, messageDigest) over WebCrypto: what CMS costs without our CAdES attributes and
 *   checks (`signCms`/`verifyCms` of @trustspec/cms underneath ours);
 * - GOST R 34.10-2012 256 and 512 bits: node's OpenSSL has no GOST, so the baseline is the bare
 *   node-gost-crypto signature of the same bytes (Streebog + the signature; no CMS).
 *
 * Ratios are ours / baseline in operations per second (1.00 = as fast). Reproduce from the
 * repository root: `pnpm --filter @trustspec/suz bench` (it runs the marking benchmark too).
 */

import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { createTestCa, issueCertificate } from "@trustspec/cms";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { Bench } from "tinybench";
import {
  createGostTestCa,
  exportGostPrivateKey,
  GOST_PARAM_SETS,
  gostSign,
  gostVerify,
  issueGostCertificate,
  SoftwareSigner,
  verifyCmsSignature,
} from "../src/index.js";

const body = new TextEncoder().encode(
  '{"address":"г.Москва, ул. Ленинские горы, 1","name":"Линия 1"}',
);
const engine = new pkijs.CryptoEngine({ name: "bench-webcrypto", crypto: globalThis.crypto });

async function barePkijsSign(certificate: pkijs.Certificate, key: CryptoKey): Promise<ArrayBuffer> {
  const digest = await crypto.subtle.digest("SHA-256", body);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: "1.2.840.113549.1.7.1" }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: "1.2.840.113549.1.9.3",
              values: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.1" })],
            }),
            new pkijs.Attribute({
              type: "1.2.840.113549.1.9.4",
              values: [new asn1js.OctetString({ valueHex: digest })],
            }),
          ],
        }),
      }),
    ],
    certificates: [certificate],
  });
  await signedData.sign(key, 0, "SHA-256", undefined, engine);
  return new pkijs.ContentInfo({
    contentType: "1.2.840.113549.1.7.2",
    content: signedData.toSchema(true),
  })
    .toSchema()
    .toBER(false);
}

async function barePkijsVerify(der: ArrayBuffer): Promise<boolean> {
  const info = pkijs.ContentInfo.fromBER(der);
  const signedData = new pkijs.SignedData({ schema: info.content });
  return signedData.verify({ signer: 0, data: body.slice().buffer }, engine);
}

interface Row {
  measure: string;
  ours: number;
  baseline: number;
  baselineName: string;
}
const rows: Row[] = [];

async function measure(
  name: string,
  tasks: Record<string, () => unknown>,
  time = 1500,
): Promise<Record<string, number>> {
  // Interleave: tinybench runs the tasks one after the other; two rounds, the better of each kept.
  const best: Record<string, number> = {};
  for (let round = 0; round < 2; round++) {
    const bench = new Bench({ time, warmupTime: 200 });
    for (const [task, fn] of Object.entries(tasks)) bench.add(task, fn as () => Promise<void>);
    await bench.run();
    for (const task of bench.tasks) {
      const hz = task.result && "throughput" in task.result ? task.result.throughput.mean : 0;
      best[task.name] = Math.max(best[task.name] ?? 0, hz);
    }
  }
  console.error(`measured ${name}`);
  return best;
}

for (const algorithm of ["RSA", "ECDSA"] as const) {
  const ca = await createTestCa({ commonName: `CN=bench ${algorithm}`, algorithm });
  const user = await issueCertificate(ca, { subject: "CN=bench", algorithm });
  const privateKey = user.privateKey!;
  const signer = new SoftwareSigner({ certificate: user.certificate, privateKey });
  const certificate = pkijs.Certificate.fromBER(user.certificate.slice().buffer);
  const nodeKey = createPrivateKey({
    key: Buffer.from(await crypto.subtle.exportKey("pkcs8", privateKey)),
    format: "der",
    type: "pkcs8",
  });
  const nodePublic = createPublicKey(nodeKey);
  const ours = await signer.signDetached(body);
  const bare = await barePkijsSign(certificate, privateKey);
  const raw = sign("sha256", body, nodeKey);
  if (
    !(await verifyCmsSignature(ours, { content: body })).valid ||
    !(await barePkijsVerify(bare))
  ) {
    throw new Error(`${algorithm}: a signature does not verify`);
  }
  const s = await measure(`${algorithm} sign`, {
    ours: () => signer.signDetached(body),
    pkijs: () => barePkijsSign(certificate, privateKey),
    node: () => sign("sha256", body, nodeKey),
  });
  rows.push({
    measure: `${algorithm} sign`,
    ours: s.ours!,
    baseline: s.pkijs!,
    baselineName: "bare pkijs SignedData",
  });
  rows.push({
    measure: `${algorithm} sign`,
    ours: s.ours!,
    baseline: s.node!,
    baselineName: "node:crypto sign",
  });
  const v = await measure(`${algorithm} verify`, {
    ours: () => verifyCmsSignature(ours, { content: body }),
    pkijs: () => barePkijsVerify(bare),
    node: () => verify("sha256", body, nodePublic, raw),
  });
  rows.push({
    measure: `${algorithm} verify`,
    ours: v.ours!,
    baseline: v.pkijs!,
    baselineName: "bare pkijs SignedData.verify",
  });
  rows.push({
    measure: `${algorithm} verify`,
    ours: v.ours!,
    baseline: v.node!,
    baselineName: "node:crypto verify",
  });
}

for (const length of [256, 512] as const) {
  const ca = await createGostTestCa({ subject: `CN=bench GOST ${length}`, length });
  const user = await issueGostCertificate(ca, { subject: "CN=bench", length });
  const signer = new SoftwareSigner({ certificate: user.certificate, privateKey: user.privateKey });
  // The raw baseline's curve and scalar d, from the key's parameter set and its PKCS#8 form.
  const curve = GOST_PARAM_SETS.find((p) => p.oid === user.privateKey.algorithm.paramSet)!.curve;
  const pkcs8 = pkijs.PrivateKeyInfo.fromBER(exportGostPrivateKey(user.privateKey).slice().buffer);
  const d = new Uint8Array(pkcs8.privateKey.valueBlock.valueHexView);
  const ours = await signer.signDetached(body);
  const raw = gostSign(length, curve, d, body);
  if (
    !(await verifyCmsSignature(ours, { content: body })).valid ||
    !gostVerify(length, curve, user.publicKey.raw, raw, body)
  ) {
    throw new Error(`GOST ${length}: a signature does not verify`);
  }
  const s = await measure(
    `GOST ${length} sign`,
    {
      ours: () => signer.signDetached(body),
      library: () => gostSign(length, curve, d, body),
    },
    3000,
  );
  rows.push({
    measure: `GOST ${length} sign`,
    ours: s.ours!,
    baseline: s.library!,
    baselineName: "bare node-gost-crypto sign",
  });
  const v = await measure(
    `GOST ${length} verify`,
    {
      ours: () => verifyCmsSignature(ours, { content: body }),
      library: () => gostVerify(length, curve, user.publicKey.raw, raw, body),
    },
    3000,
  );
  rows.push({
    measure: `GOST ${length} verify`,
    ours: v.ours!,
    baseline: v.library!,
    baselineName: "bare node-gost-crypto verify",
  });
}

console.log(
  `\nSignature rates (ops/s, detached CMS over ${body.byteLength} bytes), Node ${process.version}`,
);
console.log("| measure | ours | baseline | baseline ops/s | ratio |");
console.log("|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.measure} | ${r.ours.toFixed(0)} | ${r.baselineName} | ${r.baseline.toFixed(0)} | ${(r.ours / r.baseline).toFixed(2)}× |`,
  );
}
