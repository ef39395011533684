import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

/*
 * The listener as an HTTPS proxy for the hosts it serves. Azure SDKs send every request through
 * HTTPS_PROXY when it is set (@azure/core-rest-pipeline's proxyPolicy; Python's requests; .NET's
 * HttpClient.DefaultProxy; Java's https.proxyHost), so with `HTTPS_PROXY=<sandbox origin>` production
 * code keeps the real login.microsoftonline.com and <resource>.communication.azure.com URLs, and the
 * calls MSAL makes there on its own (instance discovery) reach the sandbox too. A CONNECT tunnel is
 * answered by the listener itself, whose certificate names those hosts; nothing is forwarded anywhere.
 */

function targetHost(authority: string | undefined): string {
  const value = authority ?? "";
  const host = value.startsWith("[") ? value.slice(1, value.indexOf("]")) : value.replace(/:\d+$/, "");
  return host.toLowerCase();
}

/**
 * Accepts `CONNECT host:port` for the hosts the certificate names and hands the tunnel to the listener;
 * refuses the rest with 403, as a proxy that forwards nowhere must.
 */
export function acceptTunnels(server: Server, servedHosts: readonly string[]): void {
  const served = new Set(servedHosts.map((h) => h.toLowerCase()));
  server.on("connect", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const host = targetHost(request.url);
    if (!served.has(host)) {
      const message = `acs-sandbox tunnels only to the hosts it serves (${[...served].join(", ")}), not ${host || "(none)"}.\n`;
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`,
      );
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    // The tunnel's bytes are a TLS session for `host`: the HTTPS listener terminates it like any client.
    server.emit("connection", socket);
  });
}
