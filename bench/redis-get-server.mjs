// A second reference for the cached hit: a bare node:http server that answers every request with one Redis GET
// (the bytes the service answered with, stored under one key at start), i.e. the least a hit can cost with Redis.
import { createServer } from "node:http";
import { Redis } from "ioredis";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
redis.on("error", () => {}); // at the end of the bench Redis may stop first
const key = `bench-redis-get:${process.pid}`;
await redis.set(key, process.env.BARE_BODY ?? "{}", "EX", 3600);

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    redis.getBuffer(key).then(
      (body) => {
        response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
        response.end(body);
      },
      () => {
        response.writeHead(500);
        response.end();
      },
    );
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.send?.({ port: server.address().port });
});
process.on("SIGTERM", () => server.close(() => redis.quit().finally(() => process.exit(0))));
