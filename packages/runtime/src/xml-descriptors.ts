/**
 * The descriptor contract of the XML codec, on its own: the types generated SOAP code describes
 * its XML types with, and the bounds of the built-in XSD integer types. No dependencies and no
 * side effects (the codec that reads the descriptors is in `@trustspec/runtime/soap`, which
 * exports the same types).
 */

export * from "./xml/descriptors.js";
