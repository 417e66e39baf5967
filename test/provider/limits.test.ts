import * as assert from "node:assert/strict";
import { configureSettings, currentLimits } from "../../provider/client";
import { provider } from "../../provider/provider";
import type { Outputs } from "../../provider/types";
import { AGGREGATOR_ACCOUNT, SOURCE_ACCOUNT, arnOf, inputsFor, useAws } from "../harness/aws";
import { faults } from "../harness/proxy";
import { StalledServer } from "../harness/stalled";

const ARN = arnOf("eu-west-1");
/** The state of an authorization created earlier, for read, update and delete. */
const OUTS: Outputs = { ...inputsFor(), arn: ARN, accountId: SOURCE_ACCOUNT, creationTime: "2026-01-01T00:00:00.000Z" };
const CREATING = `creating Config aggregation authorization (authorizing ${AGGREGATOR_ACCOUNT}/us-east-1 in source region eu-west-1)`;
const ENV = {
    requestTimeout: "PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS",
    connectTimeout: "PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS",
    operationTimeout: "PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS",
};
const CHECK_NETWORK = "Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set";
const RAISE_DEADLINE =
    "to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).";

/** Runs `fn` and returns how long it took to settle, ms. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await fn();
    return performance.now() - started;
}

describe("never hang", function () {
    this.timeout(30000);
    const aws = useAws();
    let stalled: StalledServer;
    let saved: NodeJS.ProcessEnv;

    const env = (values: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(values)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        configureSettings({});
    };

    beforeEach(async () => {
        saved = { ...process.env };
        stalled = await StalledServer.start();
    });
    afterEach(async () => {
        process.env = saved;
        configureSettings({});
        await stalled.stop();
    });

    describe("a stalled endpoint (accepts the connection, never answers)", () => {
        it("fails a read after the attempts, each cut by the request timeout, naming the call, region, endpoint and attempts", async () => {
            env({ AWS_ENDPOINT_URL: stalled.url, AWS_MAX_ATTEMPTS: "3", [ENV.requestTimeout]: "200", [ENV.connectTimeout]: "200" });
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
            env({ AWS_ENDPOINT_URL: stalled.url, AWS_MAX_ATTEMPTS: "3", [ENV.requestTimeout]: "20000", [ENV.operationTimeout]: "800" });
            let message = "";
            const took = await timed(() =>
                provider.delete!(ARN, OUTS).then(
                    () => assert.fail("delete succeeded"),
                    (e: Error) => (message = e.message),
                ),
            );
            assert.equal(
                message,
                `deleting Config aggregation authorization (${ARN}): AWS Config did not answer config:DeleteAggregationAuthorization ` +
                    `(region eu-west-1, endpoint ${stalled.url}) within the operation's deadline of 0.8 s, after 1 attempt; the call was abandoned. ` +
                    `AWS may have applied it; running the command again finishes the job (a create takes back what it made, by its owner tag). ` +
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
                    `within the operation's deadline of 0.5 s, after 1 attempt; the call was abandoned. ${CHECK_NETWORK}; ${RAISE_DEADLINE}`,
            );
            assert.ok(took >= 490 && took < 1200, `took ${Math.round(took)} ms`);
        });

        it("has finite defaults, as documented: 8 attempts, 5 s to connect, 30 s per request, 300 s per operation", () => {
            env({ AWS_MAX_ATTEMPTS: undefined });
            const { limits } = currentLimits();
            assert.deepEqual(
                [limits.connectTimeoutMs, limits.requestTimeoutMs, limits.operationTimeoutMs, limits.maxAttempts],
                [5000, 30000, 300000, 8],
            );
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
});
