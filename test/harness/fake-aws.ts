/**
 * An in-memory AWS for the model-based tests: an HTTP server on 127.0.0.1 that the provider's SDK
 * clients reach through AWS_ENDPOINT_URL, holding AWS Config aggregation authorizations per account and
 * region, with per-call fault injection. Thousands of calls a second, no moto. It answers:
 *
 * - STS (query protocol, XML answers): `GetCallerIdentity`, and `AssumeRole`, whose credentials act in
 *   the role's account. The access key that signed a request is the caller's identity: the base keys
 *   given to `start`, and the keys AssumeRole issued.
 * - Config (JSON 1.1, https://docs.aws.amazon.com/config/latest/APIReference/): the six operations the
 *   package calls, with AWS's semantics, each rule citing its document:
 *   1. `PutAggregationAuthorization` on one that exists keeps it as it is, its tags and creation time,
 *      and answers with it: "Tags are added at creation and cannot be updated with this operation"
 *      (API_PutAggregationAuthorization.html). A new one gets a creation time of its own: later than
 *      every earlier creation, one second apart (AWS's times are distinct per creation; the ownership
 *      rules rely on it, provider/core/ownership.ts).
 *   2. `DescribeAggregationAuthorizations` pages: `Limit` 0 to 100, 0 meaning the maximum, and
 *      `NextToken` (API_DescribeAggregationAuthorizations.html); a page may hold fewer than `Limit`
 *      ("the maximum number ... returned on each page"), which `pageSize` uses to make callers page.
 *   3. `DeleteAggregationAuthorization` of one that does not exist succeeds: the API model gives the
 *      operation no not-found error (its only modelled error is InvalidParameterValueException;
 *      @aws-sdk/client-config-service DeleteAggregationAuthorizationCommand).
 *   4. `ListTagsForResource` (`Limit` 0 to 50, `NextToken`), `TagResource`, `UntagResource`: an ARN
 *      of another account or region, or of no authorization, is ResourceNotFoundException (Config
 *      resources live in one account and region); keys with the `aws:` prefix (any case) cannot be
 *      added or removed, ValidationException; at most 50 tags, `aws:` keys not counted,
 *      TooManyTagsException (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html,
 *      "Tag naming limits and requirements"; API_TagResource.html).
 *
 * Faults, per call (`inject`): throttling and 500 answered without applying the call; a connection
 * reset before it is applied; a lost answer (applied, then the connection cut); a delay of the answer
 * after applying (for the operation deadline). Every change is reported to `onChange` (the API's and
 * the direct out-of-band ones), so that tests can judge who changed what.
 */
import * as http from "node:http";
import type * as net from "node:net";

export type Tags = { [key: string]: string };

/** One authorization as AWS holds it. `serial` tells creations of the same key apart (tests only). */
export interface Authorization {
    arn: string;
    account: string;
    region: string;
    authorizedAccountId: string;
    authorizedAwsRegion: string;
    /** Epoch seconds. */
    creationTime: number;
    tags: Tags;
    serial: number;
}

/** A call as the fault rule sees it. */
export interface FakeCall {
    service: "config" | "sts";
    operation: string;
    /** The account the caller's credentials act in (undefined for an unknown access key). */
    account?: string;
    region: string;
    /** The JSON body (Config) or the form parameters (STS). */
    input: Record<string, unknown>;
}

export type Fault =
    | { kind: "throttle" }
    | { kind: "internal" }
    /** The connection is cut before the call is applied. */
    | { kind: "reset" }
    /** The call is applied, then the connection is cut before the answer. */
    | { kind: "lost-answer" }
    /** The call is applied, and its answer held back `ms`. */
    | { kind: "delay"; ms: number };

export type FaultRule = (call: FakeCall) => Fault | undefined;

/** A change of the authorizations: `before`/`after` undefined for a creation/deletion. `via` "api" for HTTP calls. */
export interface Change {
    operation: "Put" | "Tag" | "Untag" | "Delete";
    via: "api" | "direct";
    before?: Authorization;
    after?: Authorization;
}

class AwsError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly status = 400,
    ) {
        super(message);
    }
}

const reserved = (key: string) => key.toLowerCase().startsWith("aws:");
const ARN = /^arn:aws[a-z-]*:config:([a-z0-9-]+):(\d{12}):aggregation-authorization\/(\d{12})\/([a-z0-9-]+)$/;
const ROLE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/;
const MAX_TAGS = 50;
/** 2024-01-01T00:00:00Z: the fake's first creation time. */
const EPOCH = 1_704_067_200;

const copy = (a: Authorization): Authorization => ({ ...a, tags: { ...a.tags } });
const tagList = (tags: Tags) =>
    Object.keys(tags)
        .sort()
        .map((Key) => ({ Key, Value: tags[Key] }));
const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export class FakeAws {
    url = "";
    /** Authorizations by `account/region`, then by `authorizedAccountId/authorizedAwsRegion`, in creation order. */
    private readonly held = new Map<string, Map<string, Authorization>>();
    private readonly keys = new Map<string, string>();
    private issued = 0;
    private serial = 0;
    private rule: FaultRule | undefined;
    private server!: http.Server;
    private readonly sockets = new Set<net.Socket>();
    /** Page sizes at most (AWS may answer fewer than Limit), so that callers page: DescribeAggregationAuthorizations, ListTagsForResource. */
    pageSize = { describe: 100, tags: 50 };
    /** Calls received so far (faults included). */
    calls = 0;
    /** Requests whose body is still arriving: not applied yet. */
    private reading = 0;
    onChange: ((c: Change) => void) | undefined;

    /** `keys`: the base access keys and the account each acts in. */
    static async start(keys: Record<string, string>): Promise<FakeAws> {
        const aws = new FakeAws();
        for (const [k, account] of Object.entries(keys)) aws.keys.set(k, account);
        aws.server = http.createServer((req, res) => aws.handle(req, res).catch(() => req.socket.destroy()));
        aws.server.keepAliveTimeout = 5000;
        aws.server.on("connection", (s) => {
            aws.sockets.add(s);
            s.on("close", () => aws.sockets.delete(s));
        });
        await new Promise<void>((resolve) => aws.server.listen(0, "127.0.0.1", resolve));
        aws.url = `http://127.0.0.1:${(aws.server.address() as net.AddressInfo).port}`;
        return aws;
    }

    async stop(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** Forgets every authorization and issued key; keeps the base keys. */
    reset(): void {
        this.held.clear();
        for (const [k] of this.keys) if (k.startsWith("ASIAFAKE")) this.keys.delete(k);
        this.rule = undefined;
        this.calls = 0;
    }

    inject(rule: FaultRule | undefined): void {
        this.rule = rule;
    }

    /**
     * Resolves once every request already sent has been applied (or refused): a caller that gave up
     * waiting (its deadline passed) may have sent one that AWS still applies.
     */
    async idle(): Promise<void> {
        do await new Promise((r) => setImmediate(r));
        while (this.reading > 0);
        await new Promise((r) => setImmediate(r));
    }

    // The contents, read and changed directly (out of band: another tool, AWS Control Tower, a person).

    /** Every authorization, copies, by account, region and creation. */
    all(): Authorization[] {
        return [...this.held.values()].flatMap((m) => [...m.values()].map(copy));
    }

    find(account: string, region: string, authorizedAccountId: string, authorizedAwsRegion: string): Authorization | undefined {
        const a = this.held.get(`${account}/${region}`)?.get(`${authorizedAccountId}/${authorizedAwsRegion}`);
        return a && copy(a);
    }

    put(account: string, region: string, authorizedAccountId: string, authorizedAwsRegion: string, tags: Tags = {}): Authorization {
        return copy(this.doPut(account, region, authorizedAccountId, authorizedAwsRegion, tags, "direct"));
    }

    delete(account: string, region: string, authorizedAccountId: string, authorizedAwsRegion: string): void {
        this.doDelete(account, region, authorizedAccountId, authorizedAwsRegion, "direct");
    }

    /** Sets (`value` a string) or removes (`undefined`) tags, as TagResource and UntagResource would, without their checks. */
    retag(
        a: Pick<Authorization, "account" | "region" | "authorizedAccountId" | "authorizedAwsRegion">,
        tags: { [key: string]: string | undefined },
    ): void {
        const held = this.held.get(`${a.account}/${a.region}`)?.get(`${a.authorizedAccountId}/${a.authorizedAwsRegion}`);
        if (!held) return;
        const before = copy(held);
        for (const [k, v] of Object.entries(tags)) {
            if (v === undefined) delete held.tags[k];
            else held.tags[k] = v;
        }
        this.onChange?.({ operation: "Tag", via: "direct", before, after: copy(held) });
    }

    // The API.

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        this.reading++;
        try {
            for await (const c of req) chunks.push(c as Buffer);
        } finally {
            this.reading--;
        }
        const text = Buffer.concat(chunks).toString("utf8");
        const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ""));
        const account = this.keys.get(scope?.[1] ?? "");
        const region = scope?.[2] ?? "";
        const target = req.headers["x-amz-target"];
        const call: FakeCall =
            typeof target === "string"
                ? { service: "config", operation: target.split(".").pop()!, account, region, input: text ? JSON.parse(text) : {} }
                : { service: "sts", operation: "", account, region, input: Object.fromEntries(new URLSearchParams(text)) };
        if (call.service === "sts") call.operation = String(call.input.Action ?? "");
        this.calls++;
        const fault = this.rule?.(call);
        if (fault?.kind === "reset") return void req.socket.destroy();
        if (fault?.kind === "throttle")
            return this.fail(res, call, new AwsError(call.service === "sts" ? "Throttling" : "ThrottlingException", "Rate exceeded"));
        if (fault?.kind === "internal")
            return this.fail(res, call, new AwsError("InternalFailure", "We encountered an internal error. Please try again.", 500));
        let answer: string;
        try {
            if (account === undefined)
                throw new AwsError(
                    call.service === "sts" ? "InvalidClientTokenId" : "UnrecognizedClientException",
                    "The security token included in the request is invalid.",
                    403,
                );
            answer = call.service === "sts" ? this.sts(call, account) : JSON.stringify(this.config(call, account));
        } catch (e) {
            if (!(e instanceof AwsError)) throw e;
            return this.fail(res, call, e);
        }
        if (fault?.kind === "lost-answer") return void req.socket.destroy();
        if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
        const type = call.service === "sts" ? "text/xml" : "application/x-amz-json-1.1";
        res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(answer) });
        res.end(answer);
    }

    private fail(res: http.ServerResponse, call: FakeCall, e: AwsError): void {
        const body =
            call.service === "sts"
                ? `<ErrorResponse><Error><Type>${e.status >= 500 ? "Receiver" : "Sender"}</Type><Code>${e.code}</Code>` +
                  `<Message>${xml(e.message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`
                : JSON.stringify({ __type: e.code, message: e.message });
        const type = call.service === "sts" ? "text/xml" : "application/x-amz-json-1.1";
        res.writeHead(e.status, { "content-type": type, "x-amzn-errortype": e.code, "content-length": Buffer.byteLength(body) });
        res.end(body);
    }

    private sts(call: FakeCall, account: string): string {
        const wrap = (op: string, result: string) =>
            `<${op}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${op}Result>${result}</${op}Result>` +
            `<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></${op}Response>`;
        if (call.operation === "GetCallerIdentity") {
            return wrap(
                "GetCallerIdentity",
                `<Arn>arn:aws:iam::${account}:user/fake</Arn><UserId>FAKE</UserId><Account>${account}</Account>`,
            );
        }
        if (call.operation === "AssumeRole") {
            const roleArn = String(call.input.RoleArn ?? "");
            const role = ROLE.exec(roleArn);
            if (!role) throw new AwsError("ValidationError", "RoleArn is not a role ARN");
            const key = `ASIAFAKE${String(++this.issued).padStart(12, "0")}`;
            this.keys.set(key, role[1]);
            const expires = new Date(Date.now() + 3600_000).toISOString();
            return wrap(
                "AssumeRole",
                `<Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>fake-secret-${this.issued}</SecretAccessKey>` +
                    `<SessionToken>fake-token-${this.issued}</SessionToken><Expiration>${expires}</Expiration></Credentials>` +
                    `<AssumedRoleUser><AssumedRoleId>AROAFAKE:${xml(String(call.input.RoleSessionName ?? ""))}</AssumedRoleId>` +
                    `<Arn>${xml(roleArn)}</Arn></AssumedRoleUser>`,
            );
        }
        throw new AwsError("InvalidAction", `Could not find operation ${call.operation}`);
    }

    private config(call: FakeCall, account: string): object {
        const i = call.input;
        const here = () => this.held.get(`${account}/${call.region}`) ?? new Map<string, Authorization>();
        switch (call.operation) {
            case "PutAggregationAuthorization": {
                const tags = (i.Tags as { Key: string; Value: string }[] | undefined) ?? [];
                if (!/^\d{12}$/.test(String(i.AuthorizedAccountId)))
                    throw new AwsError("InvalidParameterValueException", "AuthorizedAccountId must be 12 digits.");
                if (tags.length > MAX_TAGS) throw new AwsError("ValidationException", `Tags: at most ${MAX_TAGS}.`);
                if (tags.some((t) => reserved(t.Key)))
                    throw new AwsError("ValidationException", "Tag keys starting with 'aws:' are reserved for AWS use.");
                const tagMap = Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
                const a = this.doPut(account, call.region, String(i.AuthorizedAccountId), String(i.AuthorizedAwsRegion), tagMap, "api");
                return { AggregationAuthorization: this.shape(a) };
            }
            case "DescribeAggregationAuthorizations": {
                const all = [...here().values()];
                const { start, size } = this.page(i, 100, all.length, this.pageSize.describe);
                const next = start + size < all.length ? { NextToken: String(start + size) } : {};
                return { AggregationAuthorizations: all.slice(start, start + size).map((a) => this.shape(a)), ...next };
            }
            case "DeleteAggregationAuthorization":
                this.doDelete(account, call.region, String(i.AuthorizedAccountId), String(i.AuthorizedAwsRegion), "api");
                return {};
            case "ListTagsForResource": {
                const list = tagList(this.byArn(String(i.ResourceArn), account, call.region).tags);
                const { start, size } = this.page(i, 50, list.length, this.pageSize.tags);
                const next = start + size < list.length ? { NextToken: String(start + size) } : {};
                return { Tags: list.slice(start, start + size), ...next };
            }
            case "TagResource": {
                const a = this.byArn(String(i.ResourceArn), account, call.region);
                const tags = (i.Tags as { Key: string; Value: string }[] | undefined) ?? [];
                if (tags.some((t) => reserved(t.Key)))
                    throw new AwsError("ValidationException", "Tag keys starting with 'aws:' are reserved for AWS use.");
                const keys = new Set([...Object.keys(a.tags), ...tags.map((t) => t.Key)].filter((k) => !reserved(k)));
                if (keys.size > MAX_TAGS)
                    throw new AwsError(
                        "TooManyTagsException",
                        `You have reached the limit of the number of tags you can use: ${keys.size} > ${MAX_TAGS}.`,
                    );
                const before = copy(a);
                for (const t of tags) a.tags[t.Key] = t.Value;
                this.onChange?.({ operation: "Tag", via: "api", before, after: copy(a) });
                return {};
            }
            case "UntagResource": {
                const a = this.byArn(String(i.ResourceArn), account, call.region);
                const keys = (i.TagKeys as string[] | undefined) ?? [];
                if (keys.some(reserved))
                    throw new AwsError(
                        "ValidationException",
                        "Tag keys starting with 'aws:' are reserved for AWS use and cannot be removed.",
                    );
                const before = copy(a);
                for (const k of keys) delete a.tags[k];
                this.onChange?.({ operation: "Untag", via: "api", before, after: copy(a) });
                return {};
            }
            default:
                throw new AwsError("UnknownOperationException", `${call.operation} is not implemented by the fake`);
        }
    }

    /** The page a request asks for: from its NextToken, at most its Limit (0 or none: `max`) and `pageSize`. */
    private page(i: Record<string, unknown>, max: number, length: number, pageSize: number): { start: number; size: number } {
        const limit = i.Limit === undefined ? 0 : Number(i.Limit);
        if (!Number.isInteger(limit) || limit < 0 || limit > max) throw new AwsError("InvalidLimitException", `Limit must be 0 to ${max}.`);
        const start = i.NextToken === undefined ? 0 : Number(i.NextToken);
        if (!Number.isInteger(start) || start < 0 || start > length)
            throw new AwsError("InvalidNextTokenException", "The specified next token is invalid.");
        return { start, size: Math.min(limit || max, pageSize) };
    }

    private byArn(arn: string, account: string, region: string): Authorization {
        const m = ARN.exec(arn);
        const a = m && m[1] === region && m[2] === account ? this.held.get(`${account}/${region}`)?.get(`${m[3]}/${m[4]}`) : undefined;
        if (!a) throw new AwsError("ResourceNotFoundException", `ResourceArn '${arn}' does not exist`);
        return a;
    }

    private shape(a: Authorization) {
        return {
            AggregationAuthorizationArn: a.arn,
            AuthorizedAccountId: a.authorizedAccountId,
            AuthorizedAwsRegion: a.authorizedAwsRegion,
            CreationTime: a.creationTime,
        };
    }

    private doPut(
        account: string,
        region: string,
        authorizedAccountId: string,
        authorizedAwsRegion: string,
        tags: Tags,
        via: Change["via"],
    ): Authorization {
        const where = `${account}/${region}`;
        if (!this.held.has(where)) this.held.set(where, new Map());
        const key = `${authorizedAccountId}/${authorizedAwsRegion}`;
        const existing = this.held.get(where)!.get(key);
        if (existing) return existing; // (1) kept as it is
        const serial = ++this.serial;
        const a: Authorization = {
            arn: `arn:aws:config:${region}:${account}:aggregation-authorization/${key}`,
            account,
            region,
            authorizedAccountId,
            authorizedAwsRegion,
            creationTime: EPOCH + serial,
            tags: { ...tags },
            serial,
        };
        this.held.get(where)!.set(key, a);
        this.onChange?.({ operation: "Put", via, after: copy(a) });
        return a;
    }

    private doDelete(account: string, region: string, authorizedAccountId: string, authorizedAwsRegion: string, via: Change["via"]): void {
        const m = this.held.get(`${account}/${region}`);
        const key = `${authorizedAccountId}/${authorizedAwsRegion}`;
        const a = m?.get(key);
        if (!a) return; // (3) already gone: success
        m!.delete(key);
        this.onChange?.({ operation: "Delete", via, before: copy(a) });
    }
}
