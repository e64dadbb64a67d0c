// The ceiling: a bare node:http server that answers every request with fixed bytes (the bench sends it the
// same requests as the service and passes the bytes the service answered with).
import { createServer } from "node:http";

const body = Buffer.from(process.env.BARE_BODY ?? "{}");
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
    response.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.send?.({ port: server.address().port });
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
