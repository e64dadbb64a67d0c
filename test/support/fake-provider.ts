// A stand-in for every provider's API during integration tests: the service runs with
// PROVIDER_CHECK_ORIGIN_OVERRIDE pointing here, so health checks keep the catalog's path and query but never
// leave the machine. Each path answers 200 unless a test says otherwise.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeProviderServer {
  /** Pass as PROVIDER_CHECK_ORIGIN_OVERRIDE. */
  readonly origin: string;
  /** Path and query of every request received, in order. */
  readonly requests: string[];
  /** Answer requests for this exact path (no query) with this status from now on. */
  respond(path: string, status: number): void;
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProviderServer> {
  const requests: string[] = [];
  const statuses = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const url = request.url ?? "/";
    requests.push(url);
    const status = statuses.get(new URL(url, "http://fake").pathname) ?? 200;
    response.writeHead(status, { "content-type": "text/plain" }).end(`fake provider: ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    respond: (path, status) => {
      statuses.set(path, status);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
