/**
 * A TCP server that accepts every connection and never answers: the endpoint of a flaky network,
 * a hung load balancer, or a proxy that lost its upstream. It counts connections and knows which
 * are still open, so tests can tell that a timed-out or abandoned request was really closed.
 */
import * as net from "node:net";

export class StalledServer {
    /** Connections accepted so far. */
    connections = 0;
    /** Connections the client has not closed yet. */
    readonly open = new Set<net.Socket>();
    url = "";

    private constructor(private readonly server: net.Server) {}

    static async start(): Promise<StalledServer> {
        const server = net.createServer();
        const s = new StalledServer(server);
        server.on("connection", (socket) => {
            s.connections++;
            s.open.add(socket);
            socket.on("close", () => s.open.delete(socket));
            socket.on("error", () => undefined);
            socket.resume(); // read the request, answer nothing
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        s.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        return s;
    }

    /** Resolves when every connection has been closed by the client, or rejects after `ms`. */
    async allClosed(ms: number): Promise<void> {
        const until = performance.now() + ms;
        while (this.open.size > 0) {
            if (performance.now() > until) throw new Error(`${this.open.size} connection(s) still open after ${ms} ms`);
            await new Promise((r) => setTimeout(r, 10));
        }
    }

    async stop(): Promise<void> {
        for (const socket of this.open) socket.destroy();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}
