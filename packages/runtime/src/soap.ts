/**
 * The SOAP runtime every generated SOAP client, server stub and mock shares, and the hand-written
 * WS-Trust code builds on, by role: envelopes and faults (SOAP 1.1 and 1.2, each fault with its
 * version's HTTP status), the server endpoint (SOAPAction routing, `?wsdl` with the request's
 * address, body and XML limits), the generated server stub, the client (answers read within
 * limits), and the XML codec over bounded, safe parsing (no DTD, no entities).
 */

export * from "./soap/addressing.js";
export * from "./soap/client.js";
export * from "./soap/endpoint.js";
export * from "./soap/envelope.js";
export * from "./soap/server.js";
export * from "./soap/service.js";
export * from "./soap/wsdl.js";
export * from "./xml/index.js";
