/**
 * `xmlsec1` for the tests that check the symmetric binding's messages independently: decrypting
 * the encrypted signature and body with an AES key, verifying the HMAC signature over the
 * timestamp, the body and the WS-Addressing headers.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";

/** Installs xmlsec1 when it is missing (a failure fails the suite) and makes a working directory. */
export function setUpXmlsec1(prefix: string): string {
  execFileSync(
    "bash",
    [join(import.meta.dirname, "..", "..", "..", "scripts", "setup-xmlsec1.sh")],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs xmlsec1 in `dir`. */
export function xmlsec1(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("xmlsec1", args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        output: `${stdout}${stderr}`,
      });
    });
  });
}

const SECURITY_ENCRYPTED = "/*/*/*[local-name()='Security']/*[local-name()='EncryptedData']";
const BODY_ENCRYPTED = "/*/*[local-name()='Body']/*[local-name()='EncryptedData']";

/** Decrypts one `EncryptedData` (`what`: the header's signature or the body's content). */
export function decrypt(
  dir: string,
  key: string,
  what: "signature" | "body",
  input: string,
  output: string,
) {
  const xpath = what === "signature" ? SECURITY_ENCRYPTED : BODY_ENCRYPTED;
  return xmlsec1(dir, [
    "--decrypt",
    "--aeskey",
    key,
    "--node-xpath",
    xpath,
    "--output",
    output,
    input,
  ]);
}

/**
 * Verifies the header's signature of a decrypted message with the HMAC key file `key`: the
 * timestamp, the body and the named WS-Addressing headers carry the wsu:Id it references.
 */
export function verifySignature(dir: string, key: string, input: string, addressing: string[]) {
  return xmlsec1(dir, [
    "--verify",
    "--hmackey",
    key,
    "--id-attr:Id",
    `${WSU}:Timestamp`,
    "--id-attr:Id",
    `${SOAP12}:Body`,
    ...addressing.flatMap((h) => ["--id-attr:Id", `${WSA}:${h}`]),
    "--node-xpath",
    "/*/*/*[local-name()='Security']/*[local-name()='Signature']",
    input,
  ]);
}
