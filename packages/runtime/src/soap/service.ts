import type { XmlElementDescriptor, XmlName, XmlTypes } from "../xml/codec.js";
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
  /** The faults the operation declares (`wsdl:fault`), in the WSDL's order. */
  faults?: readonly SoapFaultDescriptor[];
}

/**
 * A fault an operation declares in its WSDL: a typed application fault whose detail holds
 * `element` (e.g. WCF's `DSSFault` of a `[FaultContract]`). Under WS-Addressing the server stub
 * answers a {@link SoapFault} whose detail's first element is `element` with `action` as its
 * `wsa:Action`, as WCF does for a declared fault.
 */
export interface SoapFaultDescriptor {
  /** The fault's name in the port type (`DSSFaultFault`). */
  name: string;
  /** The element the fault's detail holds. */
  element: XmlName;
  /** The `wsaw:Action` the WSDL gives the fault, when it gives one. */
  action?: string;
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
