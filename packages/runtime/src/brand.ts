/**
 * The key of the type-only brand that names the API a client was made for ({@link Client} and
 * {@link SoapClient}). It is declared, never defined: no value carries it at run time, and it is
 * imported as a type only. One key for both kinds of client, so that a SOAP client is refused
 * where a REST client of another API is expected, and the other way round.
 */
export declare const apiBrand: unique symbol;
