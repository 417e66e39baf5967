/**
 * Is aggregation working? (issue 19): the aggregator's source status, read and waited for, against
 * the proxy's emulation of DescribeConfigurationAggregatorSourcesStatus (moto has none; see
 * test/harness/aws-aggregation.ts), derived from the aggregators and authorizations moto holds in
 * several accounts and the regions each account has enabled.
 */
import { PutAggregationAuthorizationCommand, PutConfigurationAggregatorCommand } from "@aws-sdk/client-config-service";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { aggregatorSourcesStatus, type AggregatorSourcesStatusArgs, type SourceStatus } from "../../sdk";
import { describeSourcesStatus } from "../../sdk/reads/status";
import { STATUS_ACTION } from "../../sdk/reads/status-failures";
import { faults, type Fault } from "../harness/proxy";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, THIRD_ACCOUNT, roleIn, useAws, type AwsFixture } from "../harness/aws";
import { SOURCE_ERRORS } from "../harness/aws-aggregation";

/** Makes an aggregator in the aggregator account (through the proxy, which records it) over these sources. */
async function putAggregator(aws: AwsFixture, name: string, accountIds: string[], regions: string[], region = "us-east-1") {
    await (
        await aws.configIn(AGGREGATOR_ACCOUNT, region)
    ).send(
        new PutConfigurationAggregatorCommand({
            ConfigurationAggregatorName: name,
            AccountAggregationSources: [{ AccountIds: accountIds, AwsRegions: regions, AllAwsRegions: false }],
        }),
    );
}

/**
 * Authorizes the aggregator (account, us-east-1) in `account` and `region`, as that account, with a
 * client of its own: it may run while a status read is in flight as the aggregator account.
 */
async function authorize(aws: AwsFixture, account: string, region: string, aggregator = AGGREGATOR_ACCOUNT) {
    await (
        await aws.configIn(account, region)
    ).send(new PutAggregationAuthorizationCommand({ AuthorizedAccountId: aggregator, AuthorizedAwsRegion: "us-east-1" }));
}

/** The rows without their update time (checked to be a recent ISO time). */
function timeless(rows: SourceStatus[]): Omit<SourceStatus, "lastUpdateTime">[] {
    return rows.map(({ lastUpdateTime, ...rest }) => {
        assert.ok(lastUpdateTime && Math.abs(Date.parse(lastUpdateTime) - Date.now()) < 60_000, String(lastUpdateTime));
        return rest;
    });
}

/** The advice for an aggregator that does not exist in `region` of the account `credentials` act in. */
const createIt = (
    region: string,
    credentials = `role ${roleIn(AGGREGATOR_ACCOUNT)} assumed from the AWS_ACCESS_KEY_ID environment variable`,
) =>
    `Create it (aws.cfg.ConfigurationAggregator) in region ${region} of the account the credentials act in (${credentials}) ` +
    `and read after it (in an apply of its name), or correct aggregatorName, region or the credentials.`;

/** Records what the read logs through pulumi.log (info and warn) until `restore`. */
function captureLogs() {
    const lines: string[] = [];
    const saved = { info: pulumi.log.info, warn: pulumi.log.warn };
    pulumi.log.info = async (m: string) => void lines.push(`info: ${m}`);
    pulumi.log.warn = async (m: string) => void lines.push(`warn: ${m}`);
    return { lines, restore: () => Object.assign(pulumi.log, saved) };
}

/** Makes the process a preview (pulumi.runtime.isDryRun()) or not, as the engine's settings do. */
const setDryRun = (on: boolean) => (pulumi.runtime as unknown as { _setIsDryRun(v: boolean): void })._setIsDryRun(on);

const failed = (accountId: string, region: string, why: "unauthorized" | "regionDisabled") => ({
    accountId,
    region,
    sourceType: "ACCOUNT" as const,
    status: "FAILED" as const,
    lastErrorCode: SOURCE_ERRORS[why].code,
    lastErrorMessage:
        why === "unauthorized"
            ? SOURCE_ERRORS.unauthorized.message(AGGREGATOR_ACCOUNT, "us-east-1")
            : SOURCE_ERRORS.regionDisabled.message(region),
});
const succeeded = (accountId: string, region: string) => ({
    accountId,
    region,
    sourceType: "ACCOUNT" as const,
    status: "SUCCEEDED" as const,
});

describe("aggregator source status", function () {
    this.timeout(60000);
    const aws = useAws();

    /**
     * The scene of most tests: an aggregator over three accounts × eu-west-1 and af-south-1 (an
     * opt-in region that only SOURCE_ACCOUNT enabled). SOURCE_ACCOUNT authorized both regions,
     * OTHER_ACCOUNT eu-west-1 (af-south-1 is not enabled there), THIRD_ACCOUNT nothing.
     */
    async function scene() {
        aws.proxy.faithful!.aggregation.setRegion(SOURCE_ACCOUNT, "af-south-1", "ENABLED");
        await putAggregator(aws, "org", [SOURCE_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT], ["eu-west-1", "af-south-1"]);
        await authorize(aws, SOURCE_ACCOUNT, "eu-west-1");
        await authorize(aws, SOURCE_ACCOUNT, "af-south-1");
        await authorize(aws, OTHER_ACCOUNT, "eu-west-1");
    }

    it("reports every source: succeeded, failed for a missing authorization, failed in a region not enabled", async () => {
        await scene();
        const status = await aws.inAccount(AGGREGATOR_ACCOUNT, () =>
            aggregatorSourcesStatus({ aggregatorName: "org", region: "us-east-1", aggregatorAccountId: AGGREGATOR_ACCOUNT }),
        );
        assert.deepEqual(timeless(status.sources), [
            succeeded(SOURCE_ACCOUNT, "af-south-1"),
            succeeded(SOURCE_ACCOUNT, "eu-west-1"),
            failed(OTHER_ACCOUNT, "af-south-1", "regionDisabled"),
            succeeded(OTHER_ACCOUNT, "eu-west-1"),
            // Not enabled there either: that comes first.
            failed(THIRD_ACCOUNT, "af-south-1", "regionDisabled"),
            failed(THIRD_ACCOUNT, "eu-west-1", "unauthorized"),
        ]);
        assert.deepEqual(status.byAccount, {
            [SOURCE_ACCOUNT]: { "af-south-1": "SUCCEEDED", "eu-west-1": "SUCCEEDED" },
            [OTHER_ACCOUNT]: { "af-south-1": "FAILED", "eu-west-1": "SUCCEEDED" },
            [THIRD_ACCOUNT]: { "af-south-1": "FAILED", "eu-west-1": "FAILED" },
        });
        assert.equal(status.allSucceeded, false);
        assert.deepEqual(
            status.notSucceeded.map((u) => `${u.accountId}/${u.region}`),
            [`${OTHER_ACCOUNT}/af-south-1`, `${THIRD_ACCOUNT}/af-south-1`, `${THIRD_ACCOUNT}/eu-west-1`],
        );
        assert.match(
            status.notSucceeded[0].reason,
            new RegExp(
                `^${OTHER_ACCOUNT}/af-south-1: FAILED \\(RegionNotEnabled: The region af-south-1 is not enabled for the source account\\.\\), ` +
                    `last updated \\S+; likely cause: account ${OTHER_ACCOUNT} has no aggregation authorization for the aggregator ` +
                    `\\(account ${AGGREGATOR_ACCOUNT}, region us-east-1\\) in af-south-1 .*or af-south-1 is not enabled in account ${OTHER_ACCOUNT}`,
            ),
        );
        // One read: one call, in the aggregator's region.
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.operation === "DescribeConfigurationAggregatorSourcesStatus").map((c) => [c.region, c.body]),
            [["us-east-1", { ConfigurationAggregatorName: "org", Limit: 100 }]],
        );
    });

    it("reads every page: 102 sources take two calls of 100 and 2", async () => {
        const accounts = ["100000000001", "100000000002", "100000000003", "100000000004", "100000000005", "100000000006"];
        const regions = aws.proxy
            .faithful!.aggregation.regionsOf(accounts[0])
            .filter((r) => r.RegionOptStatus === "ENABLED_BY_DEFAULT")
            .map((r) => r.RegionName);
        assert.equal(regions.length, 17);
        await putAggregator(aws, "big", accounts, regions);
        const rows = await aws.inAccount(AGGREGATOR_ACCOUNT, () => describeSourcesStatus("big", "us-east-1"));
        assert.equal(rows.length, 102);
        assert.deepEqual(
            rows.map((r) => `${r.accountId}/${r.region}`),
            accounts.flatMap((a) => [...regions].sort().map((r) => `${a}/${r}`)),
        );
        assert.ok(rows.every((r) => r.status === "FAILED" && r.lastErrorCode === "AuthorizationNotFound"));
        assert.deepEqual(
            aws.proxy.calls.filter((c) => c.operation === "DescribeConfigurationAggregatorSourcesStatus").map((c) => c.body),
            [
                { ConfigurationAggregatorName: "big", Limit: 100 },
                { ConfigurationAggregatorName: "big", Limit: 100, NextToken: "100" },
            ],
        );
    });

    it("waits until every expected source has succeeded, telling its progress", async () => {
        await scene();
        const progress: string[] = [];
        const status = await aws.inAccount(AGGREGATOR_ACCOUNT, () =>
            aggregatorSourcesStatus({
                aggregatorName: "org",
                region: "us-east-1",
                waitFor: {
                    sources: { accountIds: [SOURCE_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT], regions: ["eu-west-1"] },
                    intervalSeconds: 0.05,
                    timeoutSeconds: 30,
                    onProgress: (m) => {
                        progress.push(m);
                        // The missing authorization arrives after the first read.
                        if (progress.length === 1) void authorize(aws, THIRD_ACCOUNT, "eu-west-1");
                    },
                },
            }),
        );
        assert.equal(
            progress[0],
            `aggregator org: 2 of 3 expected sources succeeded; waiting for ${THIRD_ACCOUNT}/eu-west-1 (FAILED); next read in 0.05 s, giving up after 30 s`,
        );
        assert.ok(progress.length >= 1 && progress.length <= 3, progress.join("\n"));
        assert.deepEqual(status.notSucceeded, []);
        assert.equal(status.allSucceeded, true);
        assert.equal(status.byAccount[THIRD_ACCOUNT]["eu-west-1"], "SUCCEEDED");
        // Sources that were not expected do not count: af-south-1 of OTHER and THIRD still fail.
        assert.equal(status.byAccount[OTHER_ACCOUNT]["af-south-1"], "FAILED");
    });

    it("fails when the time is up, naming each source that did not succeed and the likely cause", async () => {
        await scene();
        const progress: string[] = [];
        let reads = 0;
        await assert.rejects(
            aws.inAccount(AGGREGATOR_ACCOUNT, () =>
                aggregatorSourcesStatus({
                    aggregatorName: "org",
                    region: "us-east-1",
                    aggregatorAccountId: AGGREGATOR_ACCOUNT,
                    waitFor: {
                        sources: [
                            { accountId: SOURCE_ACCOUNT, region: "eu-west-1" },
                            { accountId: OTHER_ACCOUNT, region: "af-south-1" },
                            { accountId: THIRD_ACCOUNT, region: "eu-west-1" },
                            { accountId: SOURCE_ACCOUNT, region: "eu-central-1" },
                        ],
                        intervalSeconds: 0.4,
                        timeoutSeconds: 1,
                        onProgress: (m) => progress.push(m),
                    },
                }),
            ),
            (err: Error) => {
                const lines = err.message.split("\n");
                const m =
                    /^aggregator org \(region us-east-1\): 3 of the expected sources did not succeed within 1 s \((\d+) reads\):$/.exec(
                        lines[0],
                    );
                assert.ok(m, lines[0]);
                reads = Number(m[1]);
                assert.equal(lines.length, 4, err.message);
                assert.match(
                    lines[2],
                    new RegExp(
                        `^  - ${OTHER_ACCOUNT}/af-south-1: FAILED \\(RegionNotEnabled: .*or af-south-1 is not enabled in account ${OTHER_ACCOUNT}`,
                    ),
                );
                assert.equal(
                    lines[1],
                    `  - ${SOURCE_ACCOUNT}/eu-central-1: not a source of aggregator org: add account ${SOURCE_ACCOUNT} and region eu-central-1 to its account aggregation sources`,
                );
                assert.match(
                    lines[3],
                    new RegExp(
                        `^  - ${THIRD_ACCOUNT}/eu-west-1: FAILED \\(AuthorizationNotFound: .*likely cause: account ${THIRD_ACCOUNT} has no aggregation authorization ` +
                            `for the aggregator \\(account ${AGGREGATOR_ACCOUNT}, region us-east-1\\) in eu-west-1`,
                    ),
                );
                return true;
            },
        );
        // A read that would end after the time is up is not started: 1 s at 0.4 s apart is 2 or 3 reads
        // (wide enough that a loaded machine's slower reads still fit).
        assert.ok(reads >= 2 && reads <= 3, String(reads));
        assert.equal(progress.length, reads - 1, progress.join("\n"));
    });

    it("through a role in the aggregator account; an unknown aggregator reports no sources, with a warning", async () => {
        await scene();
        const status = await aggregatorSourcesStatus({
            aggregatorName: "org",
            region: "us-east-1",
            assumeRole: { roleArn: roleIn(AGGREGATOR_ACCOUNT) },
        });
        assert.equal(status.sources.length, 6);
        assert.equal(status.aggregatorExists, true);
        const logs = captureLogs();
        try {
            assert.deepEqual(
                await aggregatorSourcesStatus({
                    aggregatorName: "nope",
                    region: "us-east-1",
                    assumeRole: { roleArn: roleIn(AGGREGATOR_ACCOUNT) },
                }),
                {
                    aggregatorName: "nope",
                    region: "us-east-1",
                    sources: [],
                    byAccount: {},
                    notSucceeded: [],
                    allSucceeded: false,
                    aggregatorExists: false,
                },
            );
        } finally {
            logs.restore();
        }
        assert.deepEqual(logs.lines, [
            `warn: aggregator nope (region us-east-1) does not exist (yet): config:DescribeConfigurationAggregatorSourcesStatus answered ` +
                `NoSuchConfigurationAggregatorException, so its sources are reported as pending. ${createIt("us-east-1")}`,
        ]);
    });

    describe("a read that fails", () => {
        /** What the aggregator's reader role is, as messages name the credentials. */
        const READER = `role ${roleIn(AGGREGATOR_ACCOUNT)} assumed from the AWS_ACCESS_KEY_ID environment variable`;
        const read = (over: Partial<AggregatorSourcesStatusArgs> = {}) =>
            aggregatorSourcesStatus({
                aggregatorName: "org",
                region: "us-east-1",
                aggregatorAccountId: AGGREGATOR_ACCOUNT,
                assumeRole: { roleArn: roleIn(AGGREGATOR_ACCOUNT) },
                ...over,
            });
        const statusCalls = () => aws.proxy.calls.filter((c) => c.operation === "DescribeConfigurationAggregatorSourcesStatus");
        /** Asserts that `p` rejects with a pulumi.RunError (printed as its message alone, no stack frames) whose message is `message`. */
        const rejectsWith = (p: Promise<unknown>, message: string) =>
            assert.rejects(p, (err: Error) => {
                assert.ok(pulumi.RunError.isInstance(err), `not a RunError: ${err?.constructor?.name}`);
                assert.equal(err.message, message);
                // No frames for Node's inspect to colour (sdk/status.ts runError).
                assert.equal(err.stack, `Error: ${message}`);
                return true;
            });

        it("calls an endpoint without the operation that, after one attempt: an HTML page, 404, 501, UnknownOperationException", async () => {
            await scene();
            const answers: [Fault, string][] = [
                [faults.html(500), "HTTP 500 with an HTML page"],
                [faults.html(404), "HTTP 404 with an HTML page"],
                [faults.html(501), "HTTP 501 with an HTML page"],
                [faults.unknownOperation(), "UnknownOperationException"],
            ];
            for (const [fault, said] of answers) {
                aws.proxy.clear();
                aws.proxy.inject((c) => (c.operation === "DescribeConfigurationAggregatorSourcesStatus" ? fault : undefined));
                await rejectsWith(
                    read(),
                    `reading the source status of Config aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1): the endpoint ` +
                        `${aws.proxy.url} does not implement config:DescribeConfigurationAggregatorSourcesStatus: it answered ${said} (not retried). ` +
                        `It is not AWS Config, or an emulator without this operation (moto has none): point AWS_ENDPOINT_URL_CONFIG_SERVICE ` +
                        `(or AWS_ENDPOINT_URL) at one that has it, or read the status where the program runs against AWS.`,
                );
                assert.equal(statusCalls().length, 1, said);
            }
        });

        it("access denied names the credentials, the aggregator account's policy and where the docs have it", async () => {
            await scene();
            aws.proxy.inject((c) =>
                c.operation === "DescribeConfigurationAggregatorSourcesStatus" ? faults.accessDenied(STATUS_ACTION) : undefined,
            );
            const message =
                `reading the source status of Config aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1): access denied to ` +
                `config:DescribeConfigurationAggregatorSourcesStatus for ${READER} (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci ` +
                `is not authorized to perform: config:DescribeConfigurationAggregatorSourcesStatus). Allow that action to those credentials in ` +
                `the aggregator account: docs/configuration.md, "IAM permissions", "The aggregator account", has the policy ` +
                `(https://github.com/pulumi-aws-config-aggregation/pulumi-aws-config-aggregation/blob/main/docs/configuration.md#the-aggregator-account).`;
            await rejectsWith(read(), message);
            assert.equal(statusCalls().length, 1);
            // A stack that only reports: the failure in the result.
            assert.deepEqual(await read({ onError: "return" }), {
                aggregatorName: "org",
                region: "us-east-1",
                sources: [],
                byAccount: {},
                notSucceeded: [],
                allSucceeded: false,
                error: { kind: "accessDenied", code: "AccessDeniedException", message },
            });
        });

        it("any other failure keeps the cause and the advice of every call, about the aggregator: AWS unavailable", async () => {
            await scene();
            aws.proxy.inject((c) => (c.operation === "DescribeConfigurationAggregatorSourcesStatus" ? faults.unavailable() : undefined));
            const message =
                `reading the source status of Config aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1): ` +
                `config:DescribeConfigurationAggregatorSourcesStatus failed: AWS Config kept failing after 4 attempts (ServiceUnavailable: ` +
                `Service is unavailable, region us-east-1, endpoint ${aws.proxy.url}). This is a fault on the AWS side; run the command again later.`;
            await rejectsWith(read(), message);
            assert.equal(statusCalls().length, 4);
            assert.deepEqual((await read({ onError: "return" })).error, { kind: "failed", code: "ServiceUnavailable", message });
        });

        /**
         * Runs a program of its own that reads the status with `args` under `env`, and returns the message it
         * failed with and how long it lived after printing it.
         */
        async function failingProgram(args: object, env: Record<string, string>, prelude = "") {
            const program =
                prelude +
                `const { aggregatorSourcesStatus } = require(${JSON.stringify(require.resolve("../../sdk"))});` +
                `aggregatorSourcesStatus(${JSON.stringify(args)}).catch((e) => { console.log(e.message); process.exitCode = 3; });`;
            const child = spawn(process.execPath, ["-e", program], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            let err = "";
            let failedAt = 0;
            child.stdout.on("data", (d) => ((failedAt ||= performance.now()), (out += d)));
            child.stderr.on("data", (d) => (err += d));
            const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
            const leftMs = performance.now() - failedAt;
            assert.equal(code, 3, err + out);
            return { message: out.trim(), leftMs };
        }

        it("a read abandoned at its deadline during a backoff leaves nothing that keeps the program alive", async () => {
            // Throttled every time, backoffs at their ceilings, a 1.6 s deadline that passes early in a wait of
            // 2 s. The SDK's own sleep of that wait kept the program 1.4-1.6 s more.
            aws.proxy.inject((c) => (c.operation === "DescribeConfigurationAggregatorSourcesStatus" ? faults.throttle() : undefined));
            const run = await failingProgram(
                { aggregatorName: "org", region: "us-east-1" },
                { AWS_MAX_ATTEMPTS: "10", PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: "1600" },
                "Math.random = () => 0.999999;",
            );
            assert.match(
                run.message,
                /^reading the source status of Config aggregator org \(region us-east-1\): AWS Config did not answer .*within the operation's deadline of 1.6 s/,
            );
            assert.ok(run.leftMs < 800, `the program ended ${Math.round(run.leftMs)} ms after its error`);
        });

        it("a read whose role's STS endpoint stalls ends at the deadline: no sts:AssumeRole retries go on", async () => {
            // Every sts:AssumeRole answered after 1 s, each attempt timing out at 0.3 s: the SDK's credential provider
            // has no abort signal, and its 10 attempts went on for seconds after the read's 1 s deadline.
            aws.proxy.inject((c) => (c.operation === "AssumeRole" ? faults.delayedAnswer(1000) : undefined));
            const run = await failingProgram(
                { aggregatorName: "org", region: "us-east-1", assumeRole: { roleArn: roleIn(AGGREGATOR_ACCOUNT) } },
                {
                    AWS_MAX_ATTEMPTS: "10",
                    PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: "1000",
                    PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS: "300",
                },
            );
            assert.match(
                run.message,
                new RegExp(
                    `^reading the source status of Config aggregator org \\(region us-east-1\\): .*AWS STS did not answer sts:AssumeRole ` +
                        `of role ${roleIn(AGGREGATOR_ACCOUNT)} .*within the operation's deadline of 1 s`,
                ),
            );
            assert.ok(run.leftMs < 800, `the program ended ${Math.round(run.leftMs)} ms after its error`);
        });

        it("an aggregator that does not exist: pending in a preview, waited for by an up's waitFor", async () => {
            const expected = { accountIds: [SOURCE_ACCOUNT, OTHER_ACCOUNT], regions: ["eu-west-1"] };
            const pendingReasons = [
                `${SOURCE_ACCOUNT}/eu-west-1: pending: aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1) does not exist (yet)`,
                `${OTHER_ACCOUNT}/eu-west-1: pending: aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1) does not exist (yet)`,
            ];
            const pendingStatus = {
                aggregatorName: "org",
                region: "us-east-1",
                sources: [],
                byAccount: {},
                notSucceeded: [SOURCE_ACCOUNT, OTHER_ACCOUNT].map((accountId, i) => ({
                    accountId,
                    region: "eu-west-1",
                    reason: pendingReasons[i],
                })),
                allSucceeded: false,
                aggregatorExists: false,
            };
            // A preview reads once, and does not wait for the aggregator even with waitFor.
            const logs = captureLogs();
            setDryRun(true);
            try {
                assert.deepEqual(await read({ waitFor: { sources: expected, timeoutSeconds: 600 } }), pendingStatus);
            } finally {
                setDryRun(false);
                logs.restore();
            }
            assert.equal(statusCalls().length, 1);
            assert.deepEqual(logs.lines, [
                `info: aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1) does not exist (yet): config:DescribeConfigurationAggregatorSourcesStatus ` +
                    `answered NoSuchConfigurationAggregatorException, so its sources are reported as pending. ${createIt("us-east-1", READER)}`,
            ]);

            // An up waits for it, then fails when the time is up, naming the aggregator, the call and the fix.
            const gate = { sources: expected, timeoutSeconds: 0.5, intervalSeconds: 0.1, onProgress: () => undefined };
            const message = (reads: number) =>
                `reading the source status of Config aggregator org (account ${AGGREGATOR_ACCOUNT}, region us-east-1): the aggregator did not ` +
                `exist within 0.5 s (${reads} reads: config:DescribeConfigurationAggregatorSourcesStatus answered NoSuchConfigurationAggregatorException), ` +
                `so none of the 2 expected sources succeeded. ${createIt("us-east-1", READER)}`;
            await assert.rejects(read({ waitFor: gate }), (err: Error) => {
                assert.ok(pulumi.RunError.isInstance(err));
                assert.equal(err.message, message(Number(/\((\d+) reads/.exec(err.message)?.[1])));
                return true;
            });
            const returned = await read({ waitFor: gate, onError: "return" });
            assert.deepEqual(returned, {
                ...pendingStatus,
                error: {
                    kind: "noSuchAggregator",
                    code: "NoSuchConfigurationAggregatorException",
                    message: message(Number(/\((\d+) reads/.exec(returned.error!.message)?.[1])),
                },
            });

            // The aggregator comes during the wait (as when the same up creates it): the wait goes on to its sources.
            const progress: string[] = [];
            const status = await read({
                waitFor: {
                    sources: expected,
                    timeoutSeconds: 30,
                    intervalSeconds: 0.05,
                    onProgress: (m) => {
                        progress.push(m);
                        if (progress.length === 1) {
                            void putAggregator(aws, "org", [SOURCE_ACCOUNT, OTHER_ACCOUNT], ["eu-west-1"]).then(() =>
                                Promise.all([authorize(aws, SOURCE_ACCOUNT, "eu-west-1"), authorize(aws, OTHER_ACCOUNT, "eu-west-1")]),
                            );
                        }
                    },
                },
            });
            assert.equal(
                progress[0],
                "aggregator org does not exist yet: waiting for it and its 2 expected sources; next read in 0.05 s, giving up after 30 s",
            );
            assert.equal(status.allSucceeded, true, progress.join("\n"));
            assert.equal(status.aggregatorExists, true);
        });

        it("a wait whose time is up returns what it read, with the failure, when onError is return", async () => {
            await scene();
            const status = await read({
                onError: "return",
                waitFor: {
                    sources: [{ accountId: THIRD_ACCOUNT, region: "eu-west-1" }],
                    timeoutSeconds: 0.2,
                    intervalSeconds: 0.1,
                    onProgress: () => undefined,
                },
            });
            assert.equal(status.error?.kind, "notSucceeded");
            assert.match(
                status.error!.message,
                new RegExp(
                    `^aggregator org \\(region us-east-1\\): 1 of the expected sources did not succeed within 0\\.2 s \\(\\d reads\\):\n  - ${THIRD_ACCOUNT}/eu-west-1: FAILED `,
                ),
            );
            assert.equal(status.sources.length, 6);
            assert.deepEqual(
                status.notSucceeded.map((u) => `${u.accountId}/${u.region}`),
                [`${THIRD_ACCOUNT}/eu-west-1`],
            );
        });
    });
});
