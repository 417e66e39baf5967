import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { host, newRun } from "../harness/run";
import { provider } from "../../provider";
import type { Outputs } from "../../provider/core/model/types";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, arnOf, inputsFor, roleIn, useAws } from "../harness/aws";
import { freePort } from "../harness/moto";
import { faults } from "../harness/proxy";
import { FAKE_SECRETS } from "../harness/secrets";
import { StalledServer } from "../harness/stalled";

const ARN = arnOf("eu-west-1");
/** The state of an authorization created earlier, for read, update and delete. */
const OUTS: Outputs = { ...inputsFor(), arn: ARN, accountId: SOURCE_ACCOUNT, creationTime: "2026-01-01T00:00:00.000Z" };
const CREATING = `creating Config aggregation authorization (an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1)`;
const ENV = {
    requestTimeout: "PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS",
    connectTimeout: "PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS",
    operationTimeout: "PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS",
};
const CHECK_NETWORK = "Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set";
const CHECK_STS = "Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set";
const RAISE_DEADLINE =
    "to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).";

/** Runs `fn` and returns how long it took to settle, ms. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await fn();
    return performance.now() - started;
}

describe("never hang, never leak", function () {
    this.timeout(30000);
    const aws = useAws();
    let stalled: StalledServer;
    let saved: NodeJS.ProcessEnv;

    const env = (values: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(values)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        newRun({});
    };

    beforeEach(async () => {
        saved = { ...process.env };
        stalled = await StalledServer.start();
    });
    afterEach(async () => {
        process.env = saved;
        newRun({});
        await stalled.stop();
    });

    describe("a stalled endpoint (accepts the connection, never answers)", () => {
        it("fails a read after the attempts, each cut by the request timeout, naming the call, region, endpoint and attempts", async () => {
            // Only AWS Config stalls: STS (the account check before every read) answers through the proxy.
            env({
                AWS_ENDPOINT_URL_CONFIG_SERVICE: stalled.url,
                AWS_MAX_ATTEMPTS: "3",
                [ENV.requestTimeout]: "200",
                [ENV.connectTimeout]: "200",
            });
            let message = "";
            const took = await timed(() =>
                provider.read!(ARN, OUTS).then(
                    () => assert.fail("read succeeded"),
                    (e: Error) => (message = e.message),
                ),
            );
            assert.equal(
                message,
                `reading Config aggregation authorization (${ARN}): AWS Config did not answer config:ListTagsForResource in time ` +
                    `(region eu-west-1, endpoint ${stalled.url}) after 3 attempts, the last one timed out (connect timeout 0.2 s, request timeout 0.2 s). ` +
                    `${CHECK_NETWORK}; to wait longer, raise PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS or PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS.`,
            );
            // 3 × 200 ms of waiting plus at most 100 + 200 ms of backoff.
            assert.ok(took >= 600 && took < 2000, `took ${Math.round(took)} ms`);
            assert.equal(stalled.connections, 3, "one connection per attempt");
            await stalled.allClosed(1000);
        });

        it("abandons a delete at the operation's deadline, and closes the connection of the call in flight", async () => {
            env({
                AWS_ENDPOINT_URL_CONFIG_SERVICE: stalled.url,
                AWS_MAX_ATTEMPTS: "3",
                [ENV.requestTimeout]: "20000",
                [ENV.operationTimeout]: "800",
            });
            let message = "";
            const took = await timed(() =>
                provider.delete!(ARN, OUTS).then(
                    () => assert.fail("delete succeeded"),
                    (e: Error) => (message = e.message),
                ),
            );
            assert.equal(
                message,
                // A delete first reads the owner tag (ListTagsForResource): that is the call in flight.
                `deleting Config aggregation authorization (${ARN}): AWS Config did not answer config:ListTagsForResource ` +
                    `(region eu-west-1, endpoint ${stalled.url}) within the operation's deadline of 0.8 s, after 1 attempt; the call was abandoned. ` +
                    `${CHECK_NETWORK}; ${RAISE_DEADLINE}`,
            );
            assert.ok(took >= 790 && took < 1500, `took ${Math.round(took)} ms`);
            await stalled.allClosed(1000);
            assert.equal(stalled.connections, 1, "no retry after the deadline");
        });

        it("abandons a create waiting for sts:GetCallerIdentity at the deadline", async () => {
            env({ AWS_ENDPOINT_URL: stalled.url, [ENV.requestTimeout]: "20000", [ENV.operationTimeout]: "500" });
            let message = "";
            const took = await timed(() =>
                provider.create(inputsFor()).then(
                    () => assert.fail("create succeeded"),
                    (e: Error) => (message = e.message),
                ),
            );
            assert.equal(
                message,
                `${CREATING}: AWS STS did not answer sts:GetCallerIdentity (region eu-west-1, endpoint ${stalled.url}) ` +
                    `within the operation's deadline of 0.5 s, after 1 attempt; the call was abandoned. ${CHECK_STS}; ${RAISE_DEADLINE}`,
            );
            assert.ok(took >= 490 && took < 1200, `took ${Math.round(took)} ms`);
        });

        it("abandons a create waiting for the sts:AssumeRole of its role at the deadline, naming the role", async () => {
            env({
                AWS_ENDPOINT_URL: undefined,
                AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.proxy.url,
                AWS_ENDPOINT_URL_STS: stalled.url,
                [ENV.requestTimeout]: "20000",
                [ENV.operationTimeout]: "500",
            });
            const role = roleIn(OTHER_ACCOUNT);
            let message = "";
            const took = await timed(() =>
                provider.create(inputsFor({ assumeRole: { roleArn: role } })).then(
                    () => assert.fail("create succeeded"),
                    (e: Error) => (message = e.message),
                ),
            );
            assert.equal(
                message,
                `creating Config aggregation authorization (${arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT)}): ` +
                    `AWS STS did not answer sts:AssumeRole of role ${role} in account ${OTHER_ACCOUNT} from the AWS_ACCESS_KEY_ID environment variable ` +
                    `(region eu-west-1, endpoint ${stalled.url}) within the operation's deadline of 0.5 s, after 1 attempt; the call was abandoned. ` +
                    `Pulumi changed nothing. ${CHECK_STS}; ${RAISE_DEADLINE}`,
            );
            assert.ok(took >= 490 && took < 1200, `took ${Math.round(took)} ms`);
            assert.deepEqual(aws.proxy.calls, [], "no Config call");
        });

        it("has defaults under which a stalled endpoint fails within 60 s: 8 attempts, 5 s to connect, 10 s per request, 30 s per operation", () => {
            env({ AWS_MAX_ATTEMPTS: undefined });
            const { limits } = host.current().aws.limits;
            assert.deepEqual(
                [limits.connectTimeoutMs, limits.requestTimeoutMs, limits.operationTimeoutMs, limits.maxAttempts],
                [5000, 10000, 30000, 8],
            );
        });

        describe("a stalled STS: one lookup per (credentials, region) and run, its failure shared", () => {
            /** The resource of aggregator region `r`, as messages name it. */
            const creating = (r: string) =>
                `creating Config aggregation authorization (an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in ${r} in source region eu-west-1)`;
            const REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1"];
            const timedOut = (r: string) =>
                `${creating(r)}: AWS STS did not answer sts:GetCallerIdentity in time (region eu-west-1, endpoint ${stalled.url}) after 2 attempts, ` +
                `the last one timed out (connect timeout 5 s, request timeout 0.3 s). ${CHECK_STS}; to wait longer, raise ` +
                `PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS or PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS.`;

            it("checks of 8 resources, one after another as the engine makes them, share one wait of a request timeout; their creates share the lookup's failure, and a later one gets it at once", async () => {
                env({
                    AWS_ENDPOINT_URL: undefined,
                    AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.proxy.url,
                    AWS_ENDPOINT_URL_STS: stalled.url,
                    AWS_MAX_ATTEMPTS: "2",
                    [ENV.requestTimeout]: "300",
                });
                const inputs = REGIONS.map((r) => inputsFor({ authorizedAwsRegion: r }));
                const checked: unknown[] = [];
                // The engine checks each resource as the program registers it, one after another.
                const checking = await timed(async () => {
                    for (const i of inputs) checked.push(await provider.check!({} as never, i));
                });
                // The preview fails, as the up would, each check naming its own resource; the lookup goes on for the creates.
                const waited = (r: string) =>
                    `${creating(r)}: AWS STS did not answer sts:GetCallerIdentity (region eu-west-1, endpoint ${stalled.url}) within 0.3 s ` +
                    `of the account lookup's start, as long as a preview waits for it. ${CHECK_STS}; to wait longer, raise ` +
                    `PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:requestTimeoutMs), ` +
                    `or set aws:skipCredentialsValidation to preview without the account.`;
                // One message per cause: the first check says it whole, the others point at it.
                const pointer = (r: string, gist: string, first: string) =>
                    `${creating(r)}: ${gist}: the same cause as for ${creating(first)}, whose message says it whole and what to do.`;
                const waitedGist = `AWS STS did not answer sts:GetCallerIdentity (region eu-west-1, endpoint ${stalled.url}) within 0.3 s of the account lookup's start, as long as a preview waits for it`;
                assert.deepEqual(
                    checked,
                    inputs.map((i, n) => ({
                        inputs: i,
                        failures: [
                            {
                                property: "",
                                reason: n === 0 ? waited(REGIONS[0]) : pointer(i.authorizedAwsRegion, waitedGist, REGIONS[0]),
                            },
                        ],
                    })),
                );
                assert.ok(checking >= 290 && checking < 800, `the checks took ${Math.round(checking)} ms`);

                const messages: string[] = [];
                const creating8 = await timed(() =>
                    Promise.all(
                        inputs.map((i) =>
                            provider.create(i).then(
                                () => assert.fail("create succeeded"),
                                (e: Error) => messages.push(e.message),
                            ),
                        ),
                    ),
                );
                // Each message names its own resource; one says the cause whole, the others point at it.
                const timedOutGist = `AWS STS did not answer sts:GetCallerIdentity in time (region eu-west-1, endpoint ${stalled.url}) after 2 attempts, the last one timed out (connect timeout 5 s, request timeout 0.3 s)`;
                const whole = REGIONS.filter((r) => messages.includes(timedOut(r)));
                assert.equal(whole.length, 1, messages.join("\n"));
                assert.deepEqual(
                    messages.sort(),
                    REGIONS.map((r) => (r === whole[0] ? timedOut(r) : pointer(r, timedOutGist, whole[0]))).sort(),
                );
                // 2 attempts × 300 ms and at most 100 ms of backoff, counted from the checks.
                assert.ok(checking + creating8 < 1500, `checks and creates took ${Math.round(checking + creating8)} ms`);

                const later = await timed(() =>
                    assert.rejects(provider.create(inputsFor({ authorizedAwsRegion: "sa-east-1" })), {
                        message: pointer("sa-east-1", timedOutGist, whole[0]),
                    }),
                );
                assert.ok(later < 100, `a later create took ${Math.round(later)} ms`);
                assert.equal(stalled.connections, 2, "one lookup of 2 attempts for the whole run");
                assert.deepEqual(aws.proxy.calls, [], "no Config call");

                // A new run (configure) asks again.
                newRun({});
                await assert.rejects(provider.create(inputsFor()), { message: timedOut("us-east-1") });
                assert.equal(stalled.connections, 4);
            });

            it("abandons the shared lookup at the deadline counted from its start, not from each waiter's", async () => {
                env({
                    AWS_ENDPOINT_URL: undefined,
                    AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.proxy.url,
                    AWS_ENDPOINT_URL_STS: stalled.url,
                    [ENV.requestTimeout]: "20000",
                    [ENV.operationTimeout]: "1000",
                });
                const started = performance.now();
                const first = provider.create(inputsFor()).then(
                    () => assert.fail("create succeeded"),
                    (e: Error) => e.message,
                );
                await new Promise((r) => setTimeout(r, 600));
                const second = provider.create(inputsFor({ authorizedAwsRegion: "us-west-2" })).then(
                    () => assert.fail("create succeeded"),
                    (e: Error) => [e.message, performance.now() - started] as const,
                );
                const abandoned = (r: string) =>
                    `${creating(r)}: AWS STS did not answer sts:GetCallerIdentity (region eu-west-1, endpoint ${stalled.url}) ` +
                    `within the operation's deadline of 1 s, after 1 attempt; the call was abandoned. ${CHECK_STS}; ${RAISE_DEADLINE}`;
                assert.equal(await first, abandoned("us-east-1"));
                const [message, at] = await second;
                assert.equal(
                    message,
                    `${creating("us-west-2")}: AWS STS did not answer sts:GetCallerIdentity (region eu-west-1, endpoint ${stalled.url}) ` +
                        `within the operation's deadline of 1 s, after 1 attempt; the call was abandoned: the same cause as for ${creating("us-east-1")}, ` +
                        "whose message says it whole and what to do.",
                    "one message per cause: the second points at the first",
                );
                assert.ok(at >= 990 && at < 1400, `the second create failed ${Math.round(at)} ms after the first started`);
                assert.equal(stalled.connections, 1);
                await stalled.allClosed(1000);
            });
        });
    });

    describe("endpoint userinfo", () => {
        const withUserinfo = (url: string) => url.replace("http://", `http://ci:${FAKE_SECRETS.userinfoPassword}@`);

        it("works through a proxy URL with userinfo and never shows the userinfo", async () => {
            env({ AWS_ENDPOINT_URL: withUserinfo(aws.proxy.url) });
            const { id, outs } = await provider.create(inputsFor());
            assert.equal(id, ARN);
            aws.proxy.inject((c) => (c.operation === "DeleteAggregationAuthorization" ? faults.unavailable() : undefined));
            await assert.rejects(provider.delete!(id, outs!), {
                message:
                    `deleting Config aggregation authorization (${ARN}): AWS Config kept failing after 4 attempts ` +
                    `(ServiceUnavailable: Service is unavailable, region eu-west-1, endpoint ${aws.proxy.url}). This is a fault on the AWS side; run the command again later.`,
            });
        });

        it("shows a stalled or unreachable endpoint without its userinfo", async () => {
            env({ AWS_ENDPOINT_URL_CONFIG_SERVICE: withUserinfo(stalled.url), [ENV.operationTimeout]: "300" });
            await assert.rejects(provider.read!(ARN, OUTS), (e: Error) => {
                assert.ok(e.message.includes(`endpoint ${stalled.url})`), e.message);
                assert.ok(!e.message.includes(FAKE_SECRETS.userinfoPassword) && !e.message.includes("ci:"), e.message);
                return true;
            });
            const port = await freePort();
            env({ AWS_ENDPOINT_URL_CONFIG_SERVICE: withUserinfo(`http://127.0.0.1:${port}`), AWS_MAX_ATTEMPTS: "1" });
            await assert.rejects(provider.read!(ARN, OUTS), {
                message:
                    `reading Config aggregation authorization (${ARN}): could not reach AWS Config (region eu-west-1, endpoint http://127.0.0.1:${port}): ECONNREFUSED. ` +
                    `Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set.`,
            });
        });
    });

    describe("AWS_MAX_ATTEMPTS", () => {
        for (const value of ["abc", "1000000"]) {
            it(`refuses to call AWS with AWS_MAX_ATTEMPTS=${value}, naming the variable and the range`, async () => {
                env({ AWS_MAX_ATTEMPTS: value });
                const problem = `AWS_MAX_ATTEMPTS must be a whole number of attempts from 1 to 20, got "${value}"; unset it for the default, 8.`;
                await assert.rejects(provider.create(inputsFor()), { message: `${CREATING}: ${problem}` });
                await assert.rejects(provider.read!(ARN, OUTS), {
                    message: `reading Config aggregation authorization (${ARN}): ${problem}`,
                });
                await assert.rejects(provider.delete!(ARN, OUTS), {
                    message: `deleting Config aggregation authorization (${ARN}): ${problem}`,
                });
                assert.deepEqual(aws.proxy.calls, [], "no AWS call");
            });
        }

        it("makes exactly AWS_MAX_ATTEMPTS attempts", async () => {
            env({ AWS_MAX_ATTEMPTS: "2" });
            aws.proxy.inject((c) => (c.operation === "ListTagsForResource" ? faults.throttle() : undefined));
            await assert.rejects(provider.read!(ARN, OUTS), /AWS kept throttling config:ListTagsForResource after 2 attempts/);
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "ListTagsForResource"]);
        });
    });

    describe("messages from AWS", () => {
        it("passes AWS's validation answer on without the tag value it echoes", async () => {
            aws.proxy.inject((c) =>
                c.operation === "PutAggregationAuthorization"
                    ? faults.validation(
                          `1 validation error detected: Value '${FAKE_SECRETS.tagValue}' at 'tags.1.member.value' failed to satisfy constraint: ` +
                              "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
                      )
                    : undefined,
            );
            await assert.rejects(provider.create(inputsFor({ tags: { token: FAKE_SECRETS.tagValue } })), {
                message:
                    `creating Config aggregation authorization (${ARN}): AWS rejected the request (ValidationException): 1 validation error detected: ` +
                    "Value at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*. " +
                    "Fix the input named above and run the command again.",
            });
        });
    });

    describe("profiles", () => {
        let dir: string;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "profiles-"));
            fs.writeFileSync(
                path.join(dir, "credentials"),
                `[present]\naws_access_key_id = AKIDPROFILE000000002\naws_secret_access_key = ${FAKE_SECRETS.profileSecret}\n`,
            );
            fs.writeFileSync(path.join(dir, "config"), "[profile other]\nregion = eu-west-1\n");
            env({
                AWS_ACCESS_KEY_ID: undefined,
                AWS_SECRET_ACCESS_KEY: undefined,
                AWS_SESSION_TOKEN: undefined,
                AWS_PROFILE: undefined,
                AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"),
                AWS_CONFIG_FILE: path.join(dir, "config"),
                AWS_EC2_METADATA_DISABLED: "true",
            });
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
        const stackConfig = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k] } }) as never;

        it("names an aws:profile that does not exist, and where it was looked for, before any AWS call", async () => {
            await provider.configure!(stackConfig({ "aws:profile": "prod-admn" }));
            await assert.rejects(provider.create(inputsFor()), {
                message:
                    `${CREATING}: the AWS profile "prod-admn" (from the aws:profile stack config) does not exist: it is in neither ` +
                    `${dir}/config nor ${dir}/credentials. Create it (aws configure --profile prod-admn, or aws configure sso), ` +
                    `or set the aws:profile stack config to an existing profile, then run the command again.`,
            });
            assert.deepEqual(aws.proxy.calls, []);
        });

        it("names an AWS_PROFILE that does not exist", async () => {
            env({ AWS_PROFILE: "staging" });
            await assert.rejects(provider.read!(ARN, OUTS), {
                message:
                    `reading Config aggregation authorization (${ARN}): the AWS profile "staging" (from AWS_PROFILE) does not exist: it is in neither ` +
                    `${dir}/config nor ${dir}/credentials. Create it (aws configure --profile staging, or aws configure sso), ` +
                    `or set AWS_PROFILE to an existing profile, then run the command again.`,
            });
        });

        it("uses a profile that exists", async () => {
            await provider.configure!(stackConfig({ "aws:profile": "present" }));
            const { id } = await provider.create(inputsFor());
            assert.equal(id, ARN);
            assert.deepEqual([...new Set(aws.proxy.calls.map((c) => c.accessKeyId))], ["AKIDPROFILE000000002"]);
        });
    });
});
