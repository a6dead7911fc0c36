import {
  fromXml,
  SoapFault,
  type SoapFaultCode,
  SoapFaultError,
  toXml,
} from "@trustspec/runtime/soap";
import type { DSSFault } from "../generated/signservice/types.gen.js";
import { xmlElements, xmlTypes } from "../generated/signservice/xml.gen.js";

/**
 * The Sign Service's fault contract: every operation of `ISignService` declares the `DSSFault`
 * detail (the Sign Service WSDL's inferred fault contract; the guide names `DSSFault` in Table 18
 * and never defines it). A client reads it into {@link DssSoapFaultError}; a server answers with
 * {@link dssSoapFault}.
 */

/** Most characters of a fault's detail read (the detail of a DSSFault is a code and a sentence). */
const MAX_DETAIL_CHARS = 64 * 1024;

/**
 * A SOAP fault of the Sign Service that carries the `DSSFault` detail: the service's error code
 * (as the REST interface's codes, e.g. `invalid_pin`, `certificate_not_found`) and message. The
 * fields of the received {@link SoapFaultError} stay available; it is also the `cause`.
 */
export class DssSoapFaultError extends SoapFaultError {
  /** The `DSSFault` detail as received. */
  readonly dssFault: DSSFault;
  /** The DSS error code (`DSSFault.Code`), when the service sent one. */
  readonly dssCode: string | undefined;
  /** The DSS error message (`DSSFault.Message`), when the service sent one. */
  readonly dssMessage: string | undefined;

  constructor(fault: SoapFaultError, dssFault: DSSFault) {
    super({
      operationId: fault.operationId,
      status: fault.status,
      faultCode: fault.faultCode,
      ...(fault.faultCodeName ? { faultCodeName: fault.faultCodeName } : {}),
      ...(fault.subcode ? { subcode: fault.subcode } : {}),
      reason: fault.reason,
      ...(fault.detail !== undefined ? { detail: fault.detail } : {}),
      cause: fault,
    });
    this.name = "DssSoapFaultError";
    this.dssFault = dssFault;
    this.dssCode = dssFault.Code ?? undefined;
    this.dssMessage = dssFault.Message ?? undefined;
  }
}

/** Whether an error is a Sign Service fault with the `DSSFault` detail. */
export function isDssSoapFaultError(error: unknown): error is DssSoapFaultError {
  return error instanceof DssSoapFaultError;
}

/**
 * The `DSSFault` a fault's detail holds, read with the bounded parser and decoded against the
 * Sign Service's schema, or `undefined` when the detail is absent or is something else.
 */
export function readDssFault(detail: string | undefined): DSSFault | undefined {
  if (!detail || detail.length > MAX_DETAIL_CHARS) return undefined;
  try {
    return (fromXml(xmlTypes, xmlElements.DSSFault, detail) as DSSFault | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the Sign Service client makes of a received fault: a {@link DssSoapFaultError} when the
 * detail is a `DSSFault`, else the fault as it is (e.g. a WS-Security or addressing fault).
 */
export function signServiceFaultError(fault: SoapFaultError): SoapFaultError {
  const dss = readDssFault(fault.detail);
  return dss ? new DssSoapFaultError(fault, dss) : fault;
}

/**
 * The fault a Sign Service handler throws to answer with a `DSSFault` detail: the reason is the
 * message (or the code). `faultCode` defaults to `Server` (`Receiver` in SOAP 1.2, HTTP 500 like
 * every fault of SOAP 1.1's HTTP binding); `Client` answers 400 in SOAP 1.2 unless `status` says
 * otherwise. Put nothing secret in the message: the caller sees it.
 */
export function dssSoapFault(
  fault: DSSFault,
  options: { faultCode?: SoapFaultCode; status?: number } = {},
): SoapFault {
  const reason = fault.Message ?? fault.Code ?? "The Sign Service failed.";
  return new SoapFault(options.faultCode ?? "Server", reason, {
    detail: toXml(xmlTypes, xmlElements.DSSFault, fault),
    ...(options.status !== undefined ? { status: options.status } : {}),
  });
}
