/**
 * The AWS behaviours that moto lacks, emulated in front of it by the test proxy, each with the AWS
 * document it follows. The provider and engine tiers run through it, so no test passes only because
 * moto is lenient:
 *
 * 1. A repeated PutAggregationAuthorization leaves the tags of the existing authorization unchanged
 *    (moto replaces them). API reference, PutAggregationAuthorization: "Tags are added at creation and
 *    cannot be updated with this operation"; "Use TagResource and UntagResource to update tags after
 *    creation" (https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html).
 * 2. Tag keys with the `aws:` prefix (any case) cannot be added or removed (moto allows both).
 *    Tagging best practices, "Tag naming limits and requirements": "You can't edit or delete tag keys
 *    or values with this prefix" (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
 *    Answered with ValidationException, one of the errors the Config API model gives TagResource,
 *    UntagResource and PutAggregationAuthorization.
 * 3. TagResource caps an authorization at 50 tags, counting the ones it has and the new keys; tags
 *    with the `aws:` prefix do not count (moto never caps). API reference, TagResource:
 *    TooManyTagsException, "You have reached the limit of the number of tags you can use"; the
 *    limit of 50 user tags per resource and the `aws:` exception are in the tagging page above.
 * 4. An authorization's ARN is scoped to its account and region: ListTagsForResource, TagResource and
 *    UntagResource with another account's (or region's) credentials answer ResourceNotFoundException
 *    ("You have specified a resource that does not exist"), never its tags. AWS Config resources live in
 *    one account and region; the API reference offers no cross-account access to them.
 * 5. DescribeConfigurationAggregatorSourcesStatus, DescribePendingAggregationRequests and
 *    account:ListRegions, which moto lacks: see aws-aggregation.ts.
 * 6. AWS Organizations' List calls: who may make them, pages of at most 20, empty pages, account
 *    states moto never shows: see aws-organizations.ts.
 */
import type * as http from "node:http";
import { AggregationEmulation } from "./aws-aggregation";
import { OrganizationsEmulation } from "./aws-organizations";

/** What the proxy should do with a Config call instead of forwarding it as it is. */
export type Verdict =
    | { error: { status: number; code: string; message: string } }
    /** AWS's answer, given without forwarding the call to moto. */
    | { answer: Record<string, unknown> }
    | undefined;

/** Sends a call to moto with the caller's credentials (moto takes the account from them). */
export type Upstream = (
    headers: http.IncomingHttpHeaders,
    target: string | undefined,
    body: string,
) => Promise<{ status: number; body: Buffer }>;

interface Tag {
    Key?: string;
    Value?: string;
}

const isReserved = (key: string | undefined) => (key ?? "").toLowerCase().startsWith("aws:");
const MAX_TAGS = 50;
const ARN = /^arn:[a-z-]+:config:([a-z0-9-]+):(\d{12}):aggregation-authorization\//;

const validation = (message: string): Verdict => ({ error: { status: 400, code: "ValidationException", message } });
const notFound = (arn: string): Verdict => ({
    error: { status: 400, code: "ResourceNotFoundException", message: `ResourceArn '${arn}' does not exist` },
});

export class AwsFaithful {
    /** The account of each access key, asked of moto once (sts:GetCallerIdentity with the same credentials). */
    private readonly accounts = new Map<string, Promise<string>>();
    /** The Put in flight for each (account, region, aggregator key): the next one waits for it. */
    private readonly puts = new Map<string, Promise<void>>();

    /** (5) The aggregation operations moto lacks, and their test data (regions enabled per account). */
    readonly aggregation: AggregationEmulation;
    /** (6) AWS Organizations as AWS answers, and its test data (account states, empty pages). */
    readonly organizations: OrganizationsEmulation;

    constructor(private readonly upstream: Upstream) {
        this.organizations = new OrganizationsEmulation(upstream);
        this.aggregation = new AggregationEmulation((headers, account, region, operation, body) => {
            const h: http.IncomingHttpHeaders = { ...headers, "x-moto-account-id": account, "content-type": "application/x-amz-json-1.1" };
            h.authorization = String(headers.authorization ?? "").replace(
                /\/\d{8}\/[^/]+\/[^/]+\/aws4_request/,
                (m) => `/${m.split("/")[1]}/${region}/config/aws4_request`,
            );
            return this.configCall(h, operation, body);
        });
    }

    /** The account the caller's credentials act in. */
    callerAccount(headers: http.IncomingHttpHeaders, accessKeyId: string): Promise<string> {
        const pinned = headers["x-moto-account-id"];
        if (typeof pinned === "string") return Promise.resolve(pinned);
        let account = this.accounts.get(accessKeyId);
        if (!account) {
            // moto routes by the service in the signature's credential scope, and checks no signature.
            const h: http.IncomingHttpHeaders = { ...headers, "content-type": "application/x-www-form-urlencoded" };
            h.authorization = String(headers.authorization ?? "").replace(
                /\/(config|account|organizations)\/aws4_request/,
                "/sts/aws4_request",
            );
            delete h["x-amz-target"];
            account = this.upstream(h, undefined, "Action=GetCallerIdentity&Version=2011-06-15").then((r) => {
                const m = /<Account>(\d{12})<\/Account>/.exec(r.body.toString("utf8"));
                if (!m) throw new Error(`GetCallerIdentity gave no account: ${r.body.toString("utf8").slice(0, 300)}`);
                return m[1];
            });
            account.catch(() => this.accounts.delete(accessKeyId));
            this.accounts.set(accessKeyId, account);
        }
        return account;
    }

    /** Decides a Config call (`operation` with its JSON `body`) the way AWS would where moto would not. */
    async review(
        headers: http.IncomingHttpHeaders,
        call: { service?: string; operation: string; region: string; accessKeyId: string; body?: Record<string, unknown> },
    ): Promise<Verdict> {
        const body = call.body ?? {};
        if (call.service === "organizations")
            return this.organizations.review(headers, await this.callerAccount(headers, call.accessKeyId), call.operation, body);
        const tags = (body.Tags as Tag[] | undefined) ?? [];
        switch (call.operation) {
            case "PutConfigurationAggregator": {
                const account = await this.callerAccount(headers, call.accessKeyId);
                this.aggregation.recordAggregator(account, call.region, String(body.ConfigurationAggregatorName ?? ""));
                return undefined;
            }
            case "DescribeConfigurationAggregatorSourcesStatus":
                return this.aggregation.sourcesStatus(headers, await this.callerAccount(headers, call.accessKeyId), call.region, body);
            case "DescribePendingAggregationRequests":
                return this.aggregation.pendingRequests(headers, await this.callerAccount(headers, call.accessKeyId), call.region, body);
            case "ListRegions":
                return this.aggregation.listRegions(await this.callerAccount(headers, call.accessKeyId), body);
            case "PutAggregationAuthorization": {
                if (tags.some((t) => isReserved(t.Key))) return validation("Tag keys starting with 'aws:' are reserved for AWS use.");
                // AWS decides a Put atomically: of two racing Puts of one key, one creates and the other meets
                // it. Looking and putting here under one lock per key keeps the proxy from letting both through.
                const key = [
                    await this.callerAccount(headers, call.accessKeyId),
                    call.region,
                    body.AuthorizedAccountId,
                    body.AuthorizedAwsRegion,
                ].join("/");
                const before = this.puts.get(key) ?? Promise.resolve();
                const turn = before.then(async (): Promise<Verdict> => {
                    // (1) AWS keeps an existing authorization as it is and answers with it. moto would replace
                    // its tags (with none, if the Put has none), so the Put is answered here instead.
                    const existing = (await this.describe(headers)).find(
                        (a) => a.AuthorizedAccountId === body.AuthorizedAccountId && a.AuthorizedAwsRegion === body.AuthorizedAwsRegion,
                    );
                    if (existing) {
                        const { Tags: _tags, ...authorization } = existing as Record<string, unknown>;
                        return { answer: { AggregationAuthorization: authorization } };
                    }
                    const r = await this.upstream(headers, "StarlingDoveService.PutAggregationAuthorization", JSON.stringify(body));
                    const answer = JSON.parse(r.body.toString("utf8") || "{}") as Record<string, unknown>;
                    if (r.status === 200) return { answer };
                    return {
                        error: {
                            status: r.status,
                            code: String(answer.__type ?? "InternalFailure"),
                            message: String(answer.message ?? ""),
                        },
                    };
                });
                this.puts.set(
                    key,
                    turn.then(
                        () => undefined,
                        () => undefined,
                    ),
                );
                return turn;
            }
            case "ListTagsForResource":
            case "TagResource":
            case "UntagResource": {
                const arn = String(body.ResourceArn ?? "");
                const m = ARN.exec(arn);
                // (4) another account's or region's authorization does not exist for the caller.
                if (m && (m[1] !== call.region || m[2] !== (await this.callerAccount(headers, call.accessKeyId)))) return notFound(arn);
                if (call.operation === "UntagResource") {
                    if (((body.TagKeys as string[] | undefined) ?? []).some(isReserved)) {
                        return validation("Tag keys starting with 'aws:' are reserved for AWS use and cannot be removed.");
                    }
                }
                if (call.operation === "TagResource") {
                    if (tags.some((t) => isReserved(t.Key))) return validation("Tag keys starting with 'aws:' are reserved for AWS use.");
                    // (3) at most 50 tags, counting those it has (moto answers for a missing ARN itself).
                    const held = await this.listTags(headers, arn);
                    if (held === undefined) return undefined;
                    const keys = new Set([...held, ...tags.map((t) => t.Key!)].filter((k) => !isReserved(k)));
                    if (keys.size > MAX_TAGS) {
                        return {
                            error: {
                                status: 400,
                                code: "TooManyTagsException",
                                message: `You have reached the limit of the number of tags you can use: ${keys.size} > ${MAX_TAGS}.`,
                            },
                        };
                    }
                }
                return undefined;
            }
            default:
                return undefined;
        }
    }

    private async configCall(
        headers: http.IncomingHttpHeaders,
        operation: string,
        body: object,
    ): Promise<Record<string, unknown> | undefined> {
        const r = await this.upstream(headers, `StarlingDoveService.${operation}`, JSON.stringify(body));
        return r.status === 200 ? JSON.parse(r.body.toString("utf8") || "{}") : undefined;
    }

    private async describe(
        headers: http.IncomingHttpHeaders,
    ): Promise<{ AuthorizedAccountId?: string; AuthorizedAwsRegion?: string; [k: string]: unknown }[]> {
        const out: { AuthorizedAccountId?: string; AuthorizedAwsRegion?: string; [k: string]: unknown }[] = [];
        let NextToken: string | undefined;
        do {
            const page = await this.configCall(headers, "DescribeAggregationAuthorizations", NextToken ? { NextToken } : {});
            out.push(...((page?.AggregationAuthorizations as typeof out | undefined) ?? []));
            NextToken = page?.NextToken as string | undefined;
        } while (NextToken);
        return out;
    }

    private async listTags(headers: http.IncomingHttpHeaders, arn: string): Promise<string[] | undefined> {
        const page = await this.configCall(headers, "ListTagsForResource", { ResourceArn: arn });
        return page ? ((page.Tags as Tag[] | undefined) ?? []).map((t) => t.Key!) : undefined;
    }
}
