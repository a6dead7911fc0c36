import type { SoapVersion } from "../src/soap/envelope.js";
import type { SoapServiceDescriptor } from "../src/soap/service.js";

/** The echo service of the SOAP tests: one operation, `Echo`, whose answer repeats `text`. */
export const ECHO_NS = "urn:test:echo";
const NS = ECHO_NS;
const IN = `${NS}/IEcho/Echo`;
const OUT = `${NS}/IEcho/EchoResponse`;

/** The echo service's descriptor, in a SOAP version, with or without WS-Addressing. */
export function echoService(version: SoapVersion, addressing: boolean): SoapServiceDescriptor {
  return {
    name: "EchoService",
    version,
    ...(addressing ? { addressing: true } : {}),
    targetNamespace: NS,
    types: {
      Echo: {
        kind: "complex",
        attributes: [],
        particles: [
          {
            kind: "element",
            property: "text",
            name: { ns: NS, local: "text" },
            type: { scalar: "string", xsd: "string" },
            minOccurs: 1,
            maxOccurs: 1,
            nillable: false,
          },
        ],
      },
    },
    operations: {
      Echo: {
        name: "Echo",
        action: IN,
        outputAction: OUT,
        input: { name: { ns: NS, local: "Echo" }, type: { ref: "Echo" }, nillable: false },
        output: {
          name: { ns: NS, local: "EchoResponse" },
          type: { ref: "Echo" },
          nillable: false,
        },
      },
    },
  };
}
