/** The HTML and redirects the identity centre answers a browser with. */

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** `redirectUri` with `params` added to its query (RFC 6749 §4.1.2, §4.1.2.1). */
export function redirectTo(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
  const separator = redirectUri.includes("?") ? "&" : "?";
  return `${redirectUri}${separator}${search.toString()}`;
}

/**
 * The page the implicit grant answers with: a form that posts the token to redirect_uri in
 * hidden fields, as the guide's IdentityServer3 page does (lines 10689-10779).
 */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(
      ([k, v]) => `      <input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <title>DSS emulator</title>
</head>
<body lang="en">
  <div class="page-header"><h1>Please wait...</h1></div>
  <form method="post" action="${escapeHtml(action)}">
${inputs}
  </form>
  <script>document.forms[0].submit();</script>
</body>
</html>
`;
}
