import { fullFormats } from "ajv-formats/dist/formats.js";

/** `uri` (RFC 3986, absolute), ajv-formats' own check; in a module of its own, for its size. */
export const uriFormat = fullFormats.uri as (text: string) => boolean;
