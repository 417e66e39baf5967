/**
 * Starts a moto server on a free loopback port for a test run, and stops it afterwards.
 * `moto_server` comes from PATH (scripts/toolchain/setup.sh provides it where the machine lacks it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

async function waitUntilUp(url: string, proc: ChildProcess, output: () => string, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (proc.exitCode !== null) throw new Error(`moto_server exited with ${proc.exitCode}:\n${output()}`);
        try {
            const r = await fetch(`${url}/moto-api/data.json`);
            if (r.ok) return;
        } catch {
            /* not up yet */
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
}

export class Moto {
    private constructor(
        readonly url: string,
        private readonly proc: ChildProcess,
    ) {}

    static async start(): Promise<Moto> {
        let lastError: unknown;
        for (let attempt = 0; attempt < 3; attempt++) {
            const port = await freePort();
            const proc = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            proc.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
            proc.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
            const url = `http://127.0.0.1:${port}`;
            try {
                await waitUntilUp(url, proc, () => out);
                return new Moto(url, proc);
            } catch (e) {
                lastError = e;
                proc.kill("SIGKILL");
            }
        }
        throw lastError;
    }

    /** Forgets every resource moto holds. */
    async reset(): Promise<void> {
        const r = await fetch(`${this.url}/moto-api/reset`, { method: "POST" });
        if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
    }

    async stop(): Promise<void> {
        if (this.proc.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            this.proc.once("exit", () => resolve());
            this.proc.kill("SIGTERM");
            setTimeout(() => this.proc.kill("SIGKILL"), 3000).unref();
        });
    }
}
