// A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it), for the local
// servers the tests and scripts start: embedded PostgreSQL, a second dev stack, the browser test's.
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on("error", fail);
  });
}
