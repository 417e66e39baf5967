import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { unhealthySources, waitForSources, type SourceStatus } from "../../sdk/reads/status";
import { AGGREGATOR_POLICY_LINK, STATUS_ACTION, statusReadError } from "../../sdk/reads/status-failures";
import { authorizationError, translate } from "../../provider/core/aws/errors";
import { newRun } from "../harness/run";
import { aggregatorSourcesStatus, expectedSources } from "../../sdk";
import { headings, readDoc, section, slug } from "../harness/docs";

const row = (accountId: string, region: string, status: SourceStatus["status"], extra: Partial<SourceStatus> = {}): SourceStatus => ({
    accountId,
    region,
    sourceType: "ACCOUNT",
    status,
    ...extra,
});
const AGGREGATOR = { accountId: "111122223333", region: "us-east-1", name: "org" };

describe("status expected sources (expectedSources)", () => {
    it("turns an accountAggregationSource into every account × region, and keeps a list as it is", () => {
        assert.deepEqual(expectedSources({ accountIds: ["123456789012", "444455556666"], regions: ["eu-west-1", "us-east-1"] }), [
            { accountId: "123456789012", region: "eu-west-1" },
            { accountId: "123456789012", region: "us-east-1" },
            { accountId: "444455556666", region: "eu-west-1" },
            { accountId: "444455556666", region: "us-east-1" },
        ]);
        assert.deepEqual(expectedSources([{ accountId: "123456789012", region: "eu-west-1" }]), [
            { accountId: "123456789012", region: "eu-west-1" },
        ]);
    });
});

describe("status verdict (unhealthySources)", () => {
    it("names an OUTDATED source as catching up, a missing one as not a source, and leaves succeeded ones out", () => {
        const rows = [
            row("123456789012", "eu-west-1", "SUCCEEDED"),
            row("123456789012", "us-east-1", "OUTDATED", { lastUpdateTime: "2026-01-01T00:00:00.000Z" }),
        ];
        const out = unhealthySources(
            rows,
            [
                { accountId: "123456789012", region: "us-east-1" },
                { accountId: "123456789012", region: "eu-west-1" },
                { accountId: "444455556666", region: "eu-west-1" },
            ],
            AGGREGATOR,
        );
        assert.deepEqual(
            out.map((u) => u.reason),
            [
                "123456789012/us-east-1: OUTDATED, last updated 2026-01-01T00:00:00.000Z; AWS Config has not brought this source's latest data yet; it may catch up",
                "444455556666/eu-west-1: not a source of aggregator org: add account 444455556666 and region eu-west-1 to its account aggregation sources",
            ],
        );
        assert.deepEqual(out[0].status, rows[1]);
        assert.equal(out[1].status, undefined);
    });
});

describe("status wait (waitForSources)", () => {
    /** A fake clock that sleeping advances, and the reads it answers in turn. */
    function fake(answers: (SourceStatus[] | undefined)[], readMs = 10) {
        let now = 0;
        const slept: number[] = [];
        let reads = 0;
        return {
            slept,
            options: {
                clock: () => now,
                sleep: async (ms: number) => {
                    slept.push(ms);
                    now += ms;
                },
            },
            read: async () => {
                now += readMs;
                return answers[Math.min(reads++, answers.length - 1)];
            },
        };
    }
    const expected = [{ accountId: "123456789012", region: "eu-west-1" }];

    it("reads until every expected source has succeeded, telling each wait", async () => {
        const f = fake([
            [row("123456789012", "eu-west-1", "FAILED")],
            [row("123456789012", "eu-west-1", "OUTDATED")],
            [row("123456789012", "eu-west-1", "SUCCEEDED")],
        ]);
        const progress: string[] = [];
        const r = await waitForSources(f.read, expected, AGGREGATOR, {
            ...f.options,
            timeoutMs: 90_000,
            intervalMs: 30_000,
            onProgress: (m) => progress.push(m),
        });
        assert.equal(r.reads, 3);
        assert.deepEqual(r.unhealthy, []);
        assert.deepEqual(f.slept, [30_000, 30_000]);
        assert.deepEqual(progress, [
            "aggregator org: 0 of 1 expected sources succeeded; waiting for 123456789012/eu-west-1 (FAILED); next read in 30 s, giving up after 90 s",
            "aggregator org: 0 of 1 expected sources succeeded; waiting for 123456789012/eu-west-1 (OUTDATED); next read in 30 s, giving up after 90 s",
        ]);
    });

    it("stops before a read that would end after the time is up, and returns what is still unhealthy", async () => {
        const f = fake([[row("123456789012", "eu-west-1", "FAILED")]]);
        const r = await waitForSources(f.read, expected, AGGREGATOR, { ...f.options, timeoutMs: 65_000, intervalMs: 30_000 });
        // Reads end at 10 ms, 30.02 s and 60.03 s; a fourth would start after 90 s.
        assert.equal(r.reads, 3);
        assert.deepEqual(f.slept, [30_000, 30_000]);
        assert.deepEqual(
            r.unhealthy.map((u) => `${u.accountId}/${u.region}`),
            ["123456789012/eu-west-1"],
        );
    });
    it("waits for an aggregator that does not exist yet, then for its sources", async () => {
        const f = fake([undefined, undefined, [row("123456789012", "eu-west-1", "SUCCEEDED")]]);
        const progress: string[] = [];
        const r = await waitForSources(f.read, expected, AGGREGATOR, {
            ...f.options,
            timeoutMs: 90_000,
            intervalMs: 30_000,
            onProgress: (m) => progress.push(m),
        });
        assert.deepEqual({ reads: r.reads, exists: r.exists, unhealthy: r.unhealthy }, { reads: 3, exists: true, unhealthy: [] });
        assert.deepEqual(progress, [
            "aggregator org does not exist yet: waiting for it and its 1 expected sources; next read in 30 s, giving up after 90 s",
            "aggregator org does not exist yet: waiting for it and its 1 expected sources; next read in 30 s, giving up after 90 s",
        ]);
        const never = fake([undefined]);
        const gaveUp = await waitForSources(never.read, expected, AGGREGATOR, { ...never.options, timeoutMs: 40_000, intervalMs: 30_000 });
        assert.deepEqual(
            { rows: gaveUp.rows, exists: gaveUp.exists, reasons: gaveUp.unhealthy.map((u) => u.reason) },
            {
                rows: [],
                exists: false,
                reasons: ["123456789012/eu-west-1: pending: aggregator org (account 111122223333, region us-east-1) does not exist (yet)"],
            },
        );
    });
});

describe("status read failures (statusReadError)", () => {
    const AT = "http://127.0.0.1:4566";
    const ctx = { verb: "reading" as const, resource: "aggregator org", region: "us-east-1", endpoint: AT };
    /** What the client machinery throws for an AWS error `name` on the status read. */
    const failedWith = (name: string, message: string, extra: object = {}) =>
        translate(Object.assign(new Error(message), { name, ...extra }), {
            ...ctx,
            action: "config:DescribeConfigurationAggregatorSourcesStatus",
        });
    const LABEL = "reading the source status of Config aggregator org (account 111122223333, region us-east-1)";
    before(() => newRun({ profile: "reader" }));
    after(() => newRun({}));

    it("tells each cause by its kind, with the aggregator, the call and the fix", () => {
        const html = failedWith("SyntaxError", "Unexpected token '<'", {
            $metadata: { httpStatusCode: 404 },
            $response: { statusCode: 404, headers: { "content-type": "text/html" } },
        });
        const cases = [
            [failedWith("NoSuchConfigurationAggregatorException", "The configuration aggregator org does not exist."), "noSuchAggregator"],
            [html, "notImplemented"],
            [failedWith("UnknownOperationException", ""), "notImplemented"],
            [failedWith("AccessDeniedException", "not authorized"), "accessDenied"],
            [
                authorizationError(
                    "reading",
                    "aggregator org",
                    "the operation's deadline of 30 s passed before config:DescribeConfigurationAggregatorSourcesStatus was sent.",
                    "DeadlineExceeded",
                ),
                "failed",
            ],
        ] as const;
        const out = cases.map(([err]) => statusReadError(err, { ...AGGREGATOR }, undefined, `http://ci:pw@127.0.0.1:4566`));
        assert.deepEqual(
            out.map((e) => e.statusFailure),
            cases.map(([, kind]) => kind),
        );
        assert.deepEqual(
            out.map((e) => e.message),
            [
                `${LABEL}: config:DescribeConfigurationAggregatorSourcesStatus answered NoSuchConfigurationAggregatorException. Create it ` +
                    `(aws.cfg.ConfigurationAggregator) in region us-east-1 of the account the credentials act in (profile "reader" from the ` +
                    `aws:profile stack config) and read after it (in an apply of its name), or correct aggregatorName, region or the credentials.`,
                `${LABEL}: the endpoint ${AT} does not implement config:DescribeConfigurationAggregatorSourcesStatus: it answered HTTP 404 ` +
                    `with an HTML page (not retried). It is not AWS Config, or an emulator without this operation (moto has none): point ` +
                    `AWS_ENDPOINT_URL_CONFIG_SERVICE (or AWS_ENDPOINT_URL) at one that has it, or read the status where the program runs against AWS.`,
                `${LABEL}: the endpoint ${AT} does not implement config:DescribeConfigurationAggregatorSourcesStatus: it answered ` +
                    `UnknownOperationException (not retried). It is not AWS Config, or an emulator without this operation (moto has none): point ` +
                    `AWS_ENDPOINT_URL_CONFIG_SERVICE (or AWS_ENDPOINT_URL) at one that has it, or read the status where the program runs against AWS.`,
                `${LABEL}: access denied to config:DescribeConfigurationAggregatorSourcesStatus for profile "reader" from the aws:profile stack ` +
                    `config (AccessDeniedException: not authorized). Allow that action to those credentials in the aggregator account: ` +
                    `docs/configuration.md, "IAM permissions", "The aggregator account", has the policy ` +
                    `(https://github.com/pulumi-aws-config-aggregation/pulumi-aws-config-aggregation/blob/main/docs/configuration.md#the-aggregator-account).`,
                `${LABEL}: the operation's deadline of 30 s passed before config:DescribeConfigurationAggregatorSourcesStatus was sent.`,
            ],
        );
    });
});

describe("status read arguments (aggregatorSourcesStatus)", () => {
    it("refuses them with a RunError before any call, or returns the refusal with onError: return", async () => {
        await assert.rejects(aggregatorSourcesStatus({ aggregatorName: "org/x", region: "us-east-1" }), (err: Error) => {
            assert.ok(pulumi.RunError.isInstance(err));
            assert.equal(err.message, `aggregatorSourcesStatus: aggregatorName must be 1 to 256 letters, digits, _ or -, got "org/x"`);
            return true;
        });
        assert.deepEqual(
            await aggregatorSourcesStatus({
                aggregatorName: "org",
                region: "us-east-1",
                onError: "return",
                waitFor: { sources: [], timeoutSeconds: -1 },
            }),
            {
                aggregatorName: "org",
                region: "us-east-1",
                sources: [],
                byAccount: {},
                notSucceeded: [],
                allSucceeded: false,
                error: {
                    kind: "invalidArguments",
                    message: "aggregatorSourcesStatus: waitFor.timeoutSeconds must be a number of seconds from 0 to 86400, got -1",
                },
            },
        );
        await assert.rejects(aggregatorSourcesStatus({ aggregatorName: "org", onError: "log" as never }), (err: Error) => {
            assert.ok(pulumi.RunError.isInstance(err));
            assert.equal(err.message, `aggregatorSourcesStatus: onError must be "throw" or "return", got "log"`);
            return true;
        });
    });
});

describe("status read: the access-denied message's link", () => {
    it("leads to the docs section whose policy grants the status read", () => {
        const m =
            /^https:\/\/github\.com\/pulumi-aws-config-aggregation\/pulumi-aws-config-aggregation\/blob\/main\/(docs\/[\w-]+\.md)#([\w-]+)$/.exec(
                AGGREGATOR_POLICY_LINK,
            );
        assert.ok(m, AGGREGATOR_POLICY_LINK);
        const [, page, anchor] = m;
        const heading = headings(readDoc(page)).find((h) => slug(h) === anchor);
        assert.equal(heading, "The aggregator account");
        const policy = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section(page, heading!))![1]);
        assert.deepEqual(policy.Statement[0].Action, [STATUS_ACTION]);
        assert.ok(section(page, "IAM permissions").includes("### The aggregator account"), "under IAM permissions");
    });
});
