import { parseEnvelope } from "@trustspec/runtime/soap";

/** The header blocks and the body element of a SOAP 1.2 envelope, as XML text each. */
export function envelopeParts(envelope: string): { headers: string[]; body: string } {
  const env = parseEnvelope(envelope, "1.2");
  return { headers: env.headers.map((h) => h.toString()), body: env.body.toString() };
}
