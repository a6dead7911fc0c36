/**
 * Namespaces and algorithm URIs of the WS-Security pieces. What the DSS developer guide prints
 * (edition ЖТЯИ.00096-02 97 01, §6.3.1, lines 10411-10435: the `RequestedAttachedReference` with
 * its `SecurityTokenReference`, `TokenType` and `KeyIdentifier`) is taken from there; the rest
 * comes from the specifications named at each constant.
 */

/** WS-Security 1.0 secext (`wsse`), as in the guide's examples. */
export const WSSE_NS =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/** WS-Security 1.0 utility (`wsu`): `Timestamp` and the `Id` attribute. */
export const WSU_NS =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/** WS-Security 1.1 secext (`wsse11`): the `TokenType` attribute of a `SecurityTokenReference`. */
export const WSSE11_NS = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
/** SAML 1.1 assertions (the guide's `TokenType`, line 10461: `urn:oasis:names:tc:SAML:1.0:assertion`). */
export const SAML11_NS = "urn:oasis:names:tc:SAML:1.0:assertion";
/** XML Signature. */
export const DS_NS = "http://www.w3.org/2000/09/xmldsig#";

/**
 * The `KeyIdentifier` value type that names a SAML 1.1 assertion by its `AssertionID`. The guide's
 * `RequestedAttachedReference` (line 10427) prints this `…-1.0#SAMLAssertionID` URI, which is also
 * what the WS-Security SAML Token Profile 1.1 fixes in its KeyIdentifier ValueType table for SAML V1.1 assertions (its
 * `…-1.1#SAMLID` is for SAML 2.0).
 */
export const SAML_ASSERTION_ID_VALUE_TYPE =
  "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID";
/** The `wsse11:TokenType` of a reference to a SAML 1.1 assertion (guide lines 10413-10415; its TokenType table in SAML Token Profile 1.1). */
export const SAML11_TOKEN_TYPE =
  "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1";

/** Exclusive XML Canonicalization 1.0 (WS-SecurityPolicy's default `Basic256` suite). */
export const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
/** The enveloped-signature transform of an assertion's own signature. */
export const ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/** HMAC-SHA1: the symmetric signature of WS-SecurityPolicy's `Basic256` suite. */
export const HMAC_SHA1 = "http://www.w3.org/2000/09/xmldsig#hmac-sha1";
export const SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1";
export const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
export const RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
export const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/** WS-SecureConversation 1.3 (`DerivedKeyToken`), the version that goes with WS-Trust 1.3. */
export const WSSC_NS = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512";
/** The token type of a Security Context Token (WS-SecureConversation 1.3, §3). */
export const SCT_TOKEN_TYPE = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/sct";
/** The P_SHA-1 key derivation of WS-SecureConversation 1.3 (§7). */
export const P_SHA1 = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk/p_sha1";
/** The label of a derived key when a `DerivedKeyToken` names none (WS-SecureConversation 1.3, §7). */
export const DEFAULT_DERIVATION_LABEL = "WS-SecureConversationWS-SecureConversation";
/** XML Encryption. */
export const XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
/** `EncryptedData` of a whole element (the encrypted signature). */
export const XENC_ELEMENT = "http://www.w3.org/2001/04/xmlenc#Element";
/** WS-Addressing 1.0, whose headers the symmetric binding signs. */
export const WSA_NS = "http://www.w3.org/2005/08/addressing";
/** `EncryptedData` of an element's content. */
export const XENC_CONTENT = "http://www.w3.org/2001/04/xmlenc#Content";
export const AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
export const AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
