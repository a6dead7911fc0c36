import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CmsInputError, createTestCa, issueCertificate } from "../src/index.js";

describe("issueCertificate with subjectAltName", () => {
  it("makes a TLS server certificate for the DNS names and IPv4 addresses given", async () => {
    const ca = await createTestCa({ commonName: "SAN test CA" });
    const issued = await issueCertificate(ca, {
      subject: "CN=localhost",
      subjectAltName: { dns: ["localhost"], ip: ["127.0.0.1"] },
    });
    const x509 = new X509Certificate(issued.certificate);
    expect(x509.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.checkIP("127.0.0.2")).toBeUndefined();
    expect(x509.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
    expect(x509.verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
  });

  it("leaves certificates without it as they were: no names, no serverAuth", async () => {
    const ca = await createTestCa({ commonName: "SAN test CA" });
    const issued = await issueCertificate(ca, { subject: "CN=user" });
    const x509 = new X509Certificate(issued.certificate);
    expect(x509.subjectAltName).toBeUndefined();
    expect(x509.keyUsage).not.toContain("1.3.6.1.5.5.7.3.1");
  });

  it("refuses an address that is not IPv4 and an empty list", async () => {
    const ca = await createTestCa({ commonName: "SAN test CA" });
    await expect(
      issueCertificate(ca, { subject: "CN=x", subjectAltName: { ip: ["::1"] } }),
    ).rejects.toBeInstanceOf(CmsInputError);
    await expect(
      issueCertificate(ca, { subject: "CN=x", subjectAltName: {} }),
    ).rejects.toBeInstanceOf(CmsInputError);
  });
});
