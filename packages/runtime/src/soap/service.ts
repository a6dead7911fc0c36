import type { XmlElementDescriptor, XmlTypes } from "../xml/codec.js";
import type { SoapVersion } from "./envelope.js";

/** What the generator emits for a SOAP service: the descriptors its client and server stub read. */

/** One operation of a SOAP service as the generated descriptors describe it. */
export interface SoapOperationDescriptor {
  name: string;
  /** The SOAPAction (SOAP 1.1) or `action` (SOAP 1.2) of the request. */
  action: string;
  /**
   * The action of the request under WS-Addressing (`wsaw:Action`/`wsam:Action` of the input),
   * generated for a binding that uses addressing when the WSDL names one; `action` otherwise.
   */
  inputAction?: string;
  /** The action of the answer (WS-Addressing), when the WSDL names one. */
  outputAction?: string;
  input: XmlElementDescriptor;
  output?: XmlElementDescriptor;
}

/** A SOAP service: its binding, its XML types and its operations, generated from a WSDL. */
export interface SoapServiceDescriptor {
  name: string;
  version: SoapVersion;
  /**
   * The binding uses WS-Addressing 1.0: its WSDL says so with `wsaw:UsingAddressing` on the
   * binding or a `wsam:Addressing`/`wsaw:UsingAddressing` assertion in the binding's policy. Then
   * the client sends `wsa:Action`, `wsa:MessageID`, `wsa:ReplyTo` and `wsa:To`, and the server
   * stub routes by `wsa:Action` and answers with `wsa:Action` and `wsa:RelatesTo`.
   */
  addressing?: boolean;
  /** The address the WSDL's port names. */
  address?: string;
  targetNamespace: string;
  types: XmlTypes;
  operations: Readonly<Record<string, SoapOperationDescriptor>>;
}
