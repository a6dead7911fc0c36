// Request bodies by media type, one module for the client that encodes them and the server stub
// that decodes them: JSON, or `application/x-www-form-urlencoded` fields.

/** JSON, or `application/x-www-form-urlencoded` fields (arrays repeat the field; null and undefined are left out). */
export function encodeBody(body: unknown, mediaType: string): string {
  if (!isFormMediaType(mediaType)) return JSON.stringify(body);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) form.append(name, String(item));
    }
  }
  return form.toString();
}

/** Whether a media type is `application/x-www-form-urlencoded`. */
export function isFormMediaType(mediaType: string | undefined): boolean {
  return (mediaType ?? "").toLowerCase().includes("application/x-www-form-urlencoded");
}
