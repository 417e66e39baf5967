/**
 * An HTTP proxy in front of moto that records every AWS call (service, operation, region) and can
 * inject faults: AWS error answers, 5xx, and connection resets. Tests read its log to assert which
 * calls were made, and across processes (the Pulumi engine's provider) as well as in-process. It can
 * also add a fixed delay to every AWS call (`latencyMs`): moto answers on loopback in about a
 * millisecond, a real AWS endpoint in 20 to 250 ms.
 */
import * as http from "node:http";
import type * as net from "node:net";
import { AwsFaithful } from "./aws-faithful";

export interface Call {
    service: string;
    /** The operation, e.g. `PutAggregationAuthorization`, `GetCallerIdentity`. */
    operation: string;
    region: string;
    /** The access key ID that signed the request (which credentials were used). */
    accessKeyId: string;
    /** The JSON body for JSON-protocol services (Config), else undefined. */
    body?: Record<string, unknown>;
    /** The form parameters of a query-protocol call (STS), e.g. RoleArn of an AssumeRole. */
    params?: Record<string, string>;
    /** The HTTP status the client got (after any injected fault). 0 for a reset connection. */
    status: number;
}

/** What to do with one request instead of forwarding it. */
export type Fault =
    | { kind: "error"; status: number; code: string; message: string }
    /** The connection is cut before the request reaches AWS. */
    | { kind: "reset" }
    /** AWS applies the request, then the connection is cut before the answer arrives. */
    | { kind: "lost-answer" }
    /** AWS applies the request at once; its answer reaches the client only `ms` later (a slow answer, or one outlived by a deadline). */
    | { kind: "delayed-answer"; ms: number }
    /** The request does not reach AWS; this 200 answer is returned instead (AWS answering from a stale view). */
    | { kind: "answer"; body: Record<string, unknown> }
    /** Not an AWS answer at all: what a proxy, a gateway or an emulator without the operation sends (an HTML page, say). */
    | { kind: "raw"; status: number; contentType: string; body: string };

export type FaultRule = (call: Omit<Call, "status">, index: number) => Fault | undefined;

export const faults = {
    throttle: (): Fault => ({ kind: "error", status: 400, code: "ThrottlingException", message: "Rate exceeded" }),
    internal: (): Fault => ({
        kind: "error",
        status: 500,
        code: "InternalFailure",
        message: "We encountered an internal error. Please try again.",
    }),
    unavailable: (): Fault => ({ kind: "error", status: 503, code: "ServiceUnavailable", message: "Service is unavailable" }),
    reset: (): Fault => ({ kind: "reset" }),
    lostAnswer: (): Fault => ({ kind: "lost-answer" }),
    delayedAnswer: (ms: number): Fault => ({ kind: "delayed-answer", ms }),
    expiredToken: (): Fault => ({
        kind: "error",
        status: 400,
        code: "ExpiredTokenException",
        message: "The security token included in the request is expired",
    }),
    accessDenied: (action: string): Fault => ({
        kind: "error",
        status: 400,
        code: "AccessDeniedException",
        message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${action}`,
    }),
    notFound: (message: string): Fault => ({ kind: "error", status: 400, code: "ResourceNotFoundException", message }),
    invalidParameter: (message: string): Fault => ({ kind: "error", status: 400, code: "InvalidParameterValueException", message }),
    /**
     * What an endpoint that lacks the operation answers: moto (Werkzeug) a 500 HTML page, a gateway or
     * a web server a 404 or 501 HTML page.
     */
    html: (status = 500): Fault => ({
        kind: "raw",
        status,
        contentType: "text/html; charset=utf-8",
        body:
            `<!doctype html>\n<html lang=en>\n<title>${status} ${http.STATUS_CODES[status]}</title>\n` +
            `<h1>${http.STATUS_CODES[status]}</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n`,
    }),
    /**
     * AWS's answer to an X-Amz-Target it does not know (a JSON-protocol service called with an
     * operation that it does not have in that partition or region, or that an emulator lacks).
     */
    unknownOperation: (): Fault => ({ kind: "error", status: 400, code: "UnknownOperationException", message: "" }),
    /** AWS's request validation, which echoes the offending value in its message. */
    validation: (message: string): Fault => ({ kind: "error", status: 400, code: "ValidationException", message }),
};

function parseCall(req: http.IncomingMessage, body: Buffer): Omit<Call, "status"> {
    const auth = String(req.headers["authorization"] ?? "");
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
    const accessKeyId = scope?.[1] ?? "";
    const region = scope?.[2] ?? "";
    const service = scope?.[3] ?? "";
    const target = req.headers["x-amz-target"];
    if (typeof target === "string") {
        let parsed: Record<string, unknown> | undefined;
        try {
            parsed = body.length ? JSON.parse(body.toString("utf8")) : {};
        } catch {
            parsed = undefined;
        }
        return { service, operation: target.split(".").pop() ?? target, region, accessKeyId, body: parsed };
    }
    if (service === "account") {
        // AWS Account Management is a REST-JSON service: the operation is the path (POST /listRegions).
        let parsed: Record<string, unknown> | undefined;
        try {
            parsed = body.length ? JSON.parse(body.toString("utf8")) : {};
        } catch {
            parsed = undefined;
        }
        const name = (req.url ?? "/").replace(/^\/|\?.*$/g, "");
        return { service, operation: name.charAt(0).toUpperCase() + name.slice(1), region, accessKeyId, body: parsed };
    }
    const form = new URLSearchParams(body.toString("utf8"));
    const action = form.get("Action") ?? new URL(req.url ?? "/", "http://x").searchParams.get("Action");
    return { service, operation: action ?? `${req.method} ${req.url}`, region, accessKeyId, params: Object.fromEntries(form) };
}

export class RecordingProxy {
    readonly calls: Call[] = [];
    private rule: FaultRule | undefined;
    /** Runs before a call is forwarded (after faults): lets a test act "at the same moment" as the call. */
    beforeForward: ((call: Omit<Call, "status">) => Promise<void>) | undefined;
    private server!: http.Server;
    private sockets = new Set<net.Socket>();
    url = "";
    /** AWS's behaviours that moto lacks (see aws-faithful.ts); on unless a test turns it off. */
    faithful: AwsFaithful | undefined;
    /** Added to every AWS call (Config, STS, Account) before it is answered, whatever the answer: a real endpoint's round trip. */
    latencyMs = 0;

    private constructor(private readonly upstream: string) {}

    static async start(upstream: string, opts: { faithful?: boolean } = {}): Promise<RecordingProxy> {
        const p = new RecordingProxy(upstream);
        if (opts.faithful !== false) {
            p.faithful = new AwsFaithful((headers, target, body) => {
                const h = { ...headers };
                if (target) h["x-amz-target"] = target;
                return p.forward("POST", "/", h, Buffer.from(body));
            });
        }
        p.server = http.createServer((req, res) => void p.handle(req, res));
        // Idle connections stay open, as AWS's do, and no Keep-Alive timeout hint is sent: Node's HTTP agent
        // subtracts a second from the hint, so `timeout=1` made every client call open a new connection.
        p.server.keepAliveTimeout = 0;
        p.server.on("connection", (s) => {
            p.sockets.add(s);
            s.on("close", () => p.sockets.delete(s));
        });
        await new Promise<void>((resolve) => p.server.listen(0, "127.0.0.1", resolve));
        p.url = `http://127.0.0.1:${(p.server.address() as net.AddressInfo).port}`;
        return p;
    }

    /** Injects faults: `rule` sees every call (with its index in the log) and may answer for AWS. */
    inject(rule: FaultRule | undefined): void {
        this.rule = rule;
    }

    /** Drops the fault rule and the beforeForward hook. */
    reset(): void {
        this.rule = undefined;
        this.beforeForward = undefined;
    }

    clear(): void {
        this.calls.length = 0;
    }

    /** The operations recorded for one service (default Config), in order. */
    operations(service = "config"): string[] {
        return this.calls.filter((c) => c.service === service).map((c) => c.operation);
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = Buffer.concat(chunks);
        const call = parseCall(req, body);
        const isAws = call.service !== "";
        if (isAws && this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
        let fault = isAws ? this.rule?.(call, this.calls.length) : undefined;
        if (!fault && isAws && this.beforeForward) await this.beforeForward(call);
        if (!fault && ["config", "account", "organizations"].includes(call.service) && this.faithful) {
            try {
                const verdict = await this.faithful.review(req.headers, call);
                if (verdict && "error" in verdict) fault = { kind: "error", ...verdict.error };
                else if (verdict) fault = { kind: "answer", body: verdict.answer };
            } catch (e) {
                res.writeHead(502);
                res.end(String(e));
                return;
            }
        }
        if (fault?.kind === "reset") {
            this.calls.push({ ...call, status: 0 });
            req.socket.destroy();
            return;
        }
        if (fault?.kind === "raw") {
            this.calls.push({ ...call, status: fault.status });
            res.writeHead(fault.status, { "content-type": fault.contentType, "content-length": Buffer.byteLength(fault.body) });
            res.end(fault.body);
            return;
        }
        if (fault?.kind === "answer") {
            this.calls.push({ ...call, status: 200 });
            const payload = JSON.stringify(fault.body);
            res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(payload) });
            res.end(payload);
            return;
        }
        if (fault?.kind === "error") {
            this.calls.push({ ...call, status: fault.status });
            if (call.body === undefined) {
                // A query-protocol service (STS): AWS answers errors in XML.
                const payload =
                    `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${fault.message}</Message></Error>` +
                    `<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
                res.writeHead(fault.status, { "content-type": "text/xml", "content-length": Buffer.byteLength(payload) });
                res.end(payload);
                return;
            }
            const payload = JSON.stringify({ __type: fault.code, message: fault.message });
            res.writeHead(fault.status, {
                "content-type": "application/x-amz-json-1.1",
                "x-amzn-errortype": fault.code,
                "content-length": Buffer.byteLength(payload),
            });
            res.end(payload);
            return;
        }
        try {
            const upstream = await this.forward(req.method ?? "POST", req.url ?? "/", req.headers, body);
            if (fault?.kind === "lost-answer") {
                this.calls.push({ ...call, status: 0 });
                req.socket.destroy();
                return;
            }
            if (fault?.kind === "delayed-answer") await new Promise((r) => setTimeout(r, fault.ms));
            if (isAws) this.calls.push({ ...call, status: upstream.status });
            res.writeHead(upstream.status, { ...upstream.headers, "content-length": String(upstream.body.length) });
            res.end(upstream.body);
        } catch (e) {
            res.writeHead(502);
            res.end(String(e));
        }
    }

    /** Sends the request on to moto with plain http (lighter than fetch: the proxy's CPU counts in benchmarks). */
    private forward(
        method: string,
        path: string,
        incoming: http.IncomingHttpHeaders,
        body: Buffer,
    ): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
        const { hostname, port } = new URL(this.upstream);
        const headers = { ...incoming, host: `${hostname}:${port}`, "content-length": String(body.length) };
        delete headers.connection;
        return new Promise((resolve, reject) => {
            const out = http.request({ hostname, port, method, path, headers }, (answer) => {
                const chunks: Buffer[] = [];
                answer.on("data", (c: Buffer) => chunks.push(c));
                answer.on("end", () => {
                    const h: http.OutgoingHttpHeaders = {};
                    for (const [k, v] of Object.entries(answer.headers)) {
                        if (!["transfer-encoding", "connection", "content-length", "keep-alive"].includes(k)) h[k] = v;
                    }
                    resolve({ status: answer.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
                });
                answer.on("error", reject);
            });
            out.on("error", reject);
            out.end(body);
        });
    }

    async stop(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}
