/**
 * The emulator's registration (§9.2) over HTTP: the detached X-Signature over the exact body
 * bytes is verified against the certificate inside it, for every algorithm of the signers;
 * attached signatures are answered 413 (line 240); names are unique per participant (Table 334);
 * unknown registration keys and, with trusted certificates, other CAs are REJECTED; bad input is
 * answered 400 in the СУЗ error format.
 */
import { ApiError } from "@trustspec/runtime";
import { beforeAll, describe, expect, it } from "vitest";
import {
  RegistrationRejectedError,
  registerInstallation,
  SANDBOX_REGISTRATION_KEY,
} from "../src/index.js";
import { SuzEmulator } from "../src/server.js";
import {
  client,
  type Kind,
  makeSigner,
  OMS_ID,
  type TestSigner,
  useEmulator,
} from "./emulator-support.js";

const run = useEmulator();
const base = `/api/v3/integration/connection?omsId=${OMS_ID}`;

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const signers = new Map<Kind, TestSigner>();
beforeAll(async () => {
  for (const kind of ["RSA", "ECDSA", "GOST-256", "GOST-512"] as const)
    signers.set(kind, await makeSigner(kind));
}, 60_000);

describe.each(["RSA", "ECDSA", "GOST-256", "GOST-512"] as const)(
  "registration signed with %s",
  (kind) => {
    it("registers an installation through registerInstallation", async () => {
      const result = await registerInstallation(client(run.url()), {
        omsId: OMS_ID,
        registrationKey: SANDBOX_REGISTRATION_KEY,
        address: "г.Москва, ул. Ленинские горы, 1",
        name: `Линия ${kind}`,
        signer: signers.get(kind)!.signer,
      });
      expect(result.name).toBe(`Линия ${kind}`);
      expect(run.emulator.state.installation(result.omsConnection)).toMatchObject({
        omsId: OMS_ID,
      });
    });

    it("refuses the signature of other bytes than the body with 400", async () => {
      const signature = await signers
        .get(kind)!
        .signer.signDetached(new TextEncoder().encode('{"address":"x"}'));
      const res = await post(`${run.url()}${base}`, '{"address":"y"}', {
        "X-Signature": signature,
        "X-RegistrationKey": SANDBOX_REGISTRATION_KEY,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        success: false,
        globalErrors: [{ error: expect.stringMatching(/does not verify/) }],
      });
    });

    it("answers an attached signature with 413", async () => {
      const body = '{"address":"г.Москва"}';
      const signature = await signers
        .get(kind)!
        .signer.signAttached(new TextEncoder().encode(body));
      const res = await post(`${run.url()}${base}`, body, {
        "X-Signature": signature,
        "X-RegistrationKey": SANDBOX_REGISTRATION_KEY,
      });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ success: false, globalErrors: [{ errorCode: 413 }] });
    });
  },
);

describe("names, keys and trust", () => {
  it("REJECTS a name the same participant already uses, accepts it for another participant", async () => {
    const c = client(run.url());
    const input = {
      omsId: OMS_ID,
      registrationKey: SANDBOX_REGISTRATION_KEY,
      address: "Тверь",
      name: "Склад",
    };
    await registerInstallation(c, { ...input, signer: signers.get("GOST-256")!.signer });
    const again = await registerInstallation(c, {
      ...input,
      signer: signers.get("GOST-256")!.signer,
    }).catch((e) => e);
    expect(again).toBeInstanceOf(RegistrationRejectedError);
    expect((again as RegistrationRejectedError).reason).toMatch(
      /already has an installation named "Склад"/,
    );
    const other = await makeSigner("GOST-256", "CN=АО Лютик, INNLE=7800000000");
    await expect(
      registerInstallation(c, { ...input, signer: other.signer }),
    ).resolves.toMatchObject({ name: "Склад" });
  });

  it("names an installation registered without a name by its connection id", async () => {
    const result = await registerInstallation(client(run.url()), {
      omsId: OMS_ID,
      registrationKey: SANDBOX_REGISTRATION_KEY,
      address: "Казань",
      signer: signers.get("ECDSA")!.signer,
    });
    expect(result.name).toBe(result.omsConnection);
  });

  it("REJECTS an unknown registration key", async () => {
    await expect(
      registerInstallation(client(run.url()), {
        omsId: OMS_ID,
        registrationKey: "00000000-0000-0000-0000-000000000000",
        address: "Казань",
        signer: signers.get("RSA")!.signer,
      }),
    ).rejects.toMatchObject({
      code: "registration_rejected",
      reason: expect.stringMatching(/registration key/),
    });
  });

  it("with trusted certificates, REJECTS signers of other CAs and accepts those of a trusted one", async () => {
    const trusted = signers.get("GOST-256")!;
    const emulator = new SuzEmulator({ trustedCertificates: [trusted.ca] });
    const server = await emulator.listen();
    try {
      const c = client(server.url);
      const input = { omsId: OMS_ID, registrationKey: SANDBOX_REGISTRATION_KEY, address: "Омск" };
      await expect(
        registerInstallation(c, { ...input, signer: trusted.signer }),
      ).resolves.toBeDefined();
      const stranger = await registerInstallation(c, {
        ...input,
        signer: signers.get("RSA")!.signer,
      }).catch((e) => e);
      expect(stranger).toBeInstanceOf(RegistrationRejectedError);
      expect((stranger as RegistrationRejectedError).reason).toMatch(/not accepted/);
    } finally {
      await server.close();
    }
  });
});

describe("bad registration input, answered 400 in the СУЗ format", () => {
  const key = { "X-RegistrationKey": SANDBOX_REGISTRATION_KEY };

  it("no X-Signature (unless unsigned registrations are allowed)", async () => {
    const res = await post(`${run.url()}${base}`, '{"address":"x"}', key);
    expect(res.status).toBe(400);
    expect(res.body.globalErrors).toEqual([
      { error: expect.stringMatching(/X-Signature is required/), errorCode: 400 },
    ]);
    const open = new SuzEmulator({ allowUnsignedRegistration: true });
    const server = await open.listen();
    try {
      const ok = await post(`${server.url}${base}`, '{"address":"x"}', key);
      expect(ok).toMatchObject({ status: 200, body: { status: "SUCCESS" } });
    } finally {
      await server.close();
    }
  });

  it.each([
    ["not base64", "%%%"],
    ["base64 of no CMS", Buffer.from("hello world").toString("base64")],
  ])("an X-Signature that is %s", async (_what, value) => {
    const res = await post(`${run.url()}${base}`, '{"address":"x"}', {
      ...key,
      "X-Signature": value,
    });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });

  it("broken JSON, a missing address, an empty or too long name, an omsId that is not a UUID", async () => {
    const signature = await signers
      .get("ECDSA")!
      .signer.signDetached(new TextEncoder().encode("{"));
    const headers = { ...key, "X-Signature": signature };
    for (const [url, body] of [
      [base, "{"],
      [base, '{"name":"x"}'],
      [base, '{"address":"x","name":""}'],
      [base, JSON.stringify({ address: "x", name: "я".repeat(257) })],
      ["/api/v3/integration/connection?omsId=CDF12109", '{"address":"x"}'],
    ] as const) {
      const res = await post(`${run.url()}${url}`, body, headers);
      expect(res.status, body).toBe(400);
      expect(res.body).toMatchObject({
        success: false,
        globalErrors: [{ error: expect.any(String) }],
      });
    }
  });

  it("the generated client throws ApiError with the body for a 413", async () => {
    const { signer } = signers.get("RSA")!;
    const attachedSigner = {
      ...signer,
      certificate: () => signer.certificate(),
      signDetached: (b: Uint8Array) => signer.signAttached(b),
      signAttached: (b: Uint8Array) => signer.signAttached(b),
    };
    const error = await registerInstallation(client(run.url()), {
      omsId: OMS_ID,
      registrationKey: SANDBOX_REGISTRATION_KEY,
      address: "x",
      signer: attachedSigner,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, body: { success: false } });
  });
});
