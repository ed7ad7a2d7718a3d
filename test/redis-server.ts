import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function redisServerPath(): string {
  for (const p of ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) if (fs.existsSync(p)) return p;
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"]).toString().trim();
  } catch {
    throw new Error("redis-server is not installed: run `npm run setup` (Debian: apt-get install redis-server)");
  }
}

/** Sends `signal` to a child process (its whole process group when it leads one) and resolves once it has exited. */
export function stop(child: ChildProcess, signal: NodeJS.Signals, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    if (group && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
  return exited;
}

/**
 * A redis-server on a free loopback port with its files in `dir` (nothing saved); resolves to its URL once it answers
 * PING. Push the returned stop function into the test file's cleanups.
 */
export async function startRedis(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const server = spawn(redisServerPath(), ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const stopServer = () => stop(server, "SIGTERM");
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () => {
        sock.write("PING\r\n");
      });
      sock.on("data", (d) => {
        sock.destroy();
        resolve(d.toString().startsWith("+PONG"));
      });
      sock.on("error", () => resolve(false));
    });
    if (ok) return { url: `redis://127.0.0.1:${port}`, stop: stopServer };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopServer();
  throw new Error("redis-server did not start");
}
