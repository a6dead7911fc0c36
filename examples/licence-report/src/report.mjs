// @ts-check
import { getServerInfo, listConnections, listLicences, listSessions } from "@trustspec/licence";

/**
 * Collects what the report shows. Every call goes through a client that verifies the
 * server's signature on each answer, so nothing here is trusted unchecked.
 * @param {import("@trustspec/licence").LicenceClient} client
 */
export async function collect(client) {
  const [server, licences, connections, sessions] = await Promise.all([
    getServerInfo(client),
    listLicences(client),
    listConnections(client),
    listSessions(client),
  ]);
  return {
    server: server.data,
    licences: licences.data.Licences,
    connections: connections.data.Connections,
    sessions: sessions.data.Sessions,
  };
}

/**
 * Formats the collected data as a plain-text report.
 * @param {Awaited<ReturnType<typeof collect>>} data
 */
export function format(data) {
  const lines = [];
  const { server } = data;
  lines.push(
    `Licensing server ${server.Version} on ${server.ComputerName} (${server.OSType}, ${server.CPU})`,
  );
  lines.push("", `Licences: ${data.licences.length}`);
  lines.push(row(["KeyNo", "Series", "Product", "Count", "Expires", "Days left"]));
  for (const l of data.licences) {
    const expires = l.ExpireDate ? l.ExpireDate.slice(0, 10) : "never";
    const left =
      l.DaysLeft === null || l.DaysLeft === undefined
        ? "-"
        : l.Expired
          ? "expired"
          : String(l.DaysLeft);
    lines.push(
      row([
        String(l.KeyNo),
        l.KeyID,
        clip(l.ProductName, 34),
        String(l.LicenceCount),
        expires,
        left,
      ]),
    );
  }
  lines.push("", `Connections: ${data.connections.length}`);
  for (const c of data.connections) {
    lines.push(
      `  ${c.ID}  ${c.PeerIP}  ${c.ComputerName}  ${c.ModuleName} ${c.Version}  series ${c.KeyID}`,
    );
  }
  lines.push("", `Sessions: ${data.sessions.length}`);
  for (const s of data.sessions) {
    lines.push(
      `  ${s.ID}  ${s.AppName}  ${s.ComputerName}  user ${s.UserName ?? "-"}  licence ${s.UsedLicence}`,
    );
  }
  return lines.join("\n");
}

/** @param {string[]} cells */
function row(cells) {
  const widths = [10, 7, 34, 6, 11, 9];
  return `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join(" ")}`.trimEnd();
}

/**
 * @param {string} text
 * @param {number} width
 */
function clip(text, width) {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
