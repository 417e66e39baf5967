import * as assert from "node:assert/strict";
import { deadlineError, translate, type CallContext } from "../../provider/errors";
import { resolveLimits, seconds } from "../../provider/limits";
import { truncate } from "../../provider/redact";

const ARN = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";
const ctx = (over: Partial<CallContext> = {}): CallContext => ({
    verb: "creating",
    resource: ARN,
    action: "config:PutAggregationAuthorization",
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:4566",
    ...over,
});
const awsError = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name, ...extra });

describe("timeout and deadline messages", () => {
    it("says which call timed out, where, after how many attempts, and which setting waits longer", () => {
        const e = translate(
            awsError("TimeoutError", "a request has exceeded the configured 250 ms requestTimeout.", {
                code: "ETIMEDOUT",
                $metadata: { attempts: 3 },
            }),
            ctx({ timeouts: { connectMs: 5000, requestMs: 250 } }),
        );
        assert.equal(
            e.message,
            `creating Config aggregation authorization (${ARN}): AWS Config did not answer config:PutAggregationAuthorization in time ` +
                "(region eu-west-1, endpoint http://127.0.0.1:4566) after 3 attempts, the last one timed out (connect timeout 5 s, request timeout 0.25 s). " +
                "Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set; to wait longer, raise " +
                "PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS or PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS.",
        );
    });

    it("says the operation's deadline passed, naming the call, where, and the attempts", () => {
        assert.equal(
            deadlineError(ctx({ action: "sts:GetCallerIdentity" }), 1, 1500).message,
            `creating Config aggregation authorization (${ARN}): AWS STS did not answer sts:GetCallerIdentity (region eu-west-1, endpoint http://127.0.0.1:4566) ` +
                "within the operation's deadline of 1.5 s, after 1 attempt; the call was abandoned. Check the network, the region, and " +
                "AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set; to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS " +
                "(or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).",
        );
    });

    it("cuts long echoes to 64 characters", () => {
        assert.equal(truncate("x".repeat(65)), "x".repeat(64) + "…");
        assert.equal(truncate("é".repeat(64)), "é".repeat(64));
    });
});

describe("limits", () => {
    it("has defaults, takes the environment, and lets the stack config win", () => {
        assert.deepEqual(resolveLimits({}), {
            limits: {
                maxAttempts: 8,
                connectTimeoutMs: 5000,
                requestTimeoutMs: 30000,
                operationTimeoutMs: 300000,
                maxTotalBackoffMs: 120000,
            },
            problems: [],
        });
        const r = resolveLimits(
            { AWS_MAX_ATTEMPTS: "3", PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS: "1000" },
            { "pulumi-aws-config-aggregation:requestTimeoutMs": "2000", "pulumi-aws-config-aggregation:operationTimeoutMs": 60000 },
        );
        assert.deepEqual(r.limits, {
            maxAttempts: 3,
            connectTimeoutMs: 5000,
            requestTimeoutMs: 2000,
            operationTimeoutMs: 60000,
            maxTotalBackoffMs: 120000,
        });
    });

    it("names every bad setting with its range, and echoes at most 64 characters of it", () => {
        assert.deepEqual(
            resolveLimits({ AWS_MAX_ATTEMPTS: "x".repeat(100), PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS: "5" }).problems,
            [
                `AWS_MAX_ATTEMPTS must be a whole number of attempts from 1 to 20, got "${"x".repeat(64)}…"; unset it for the default, 8`,
                'PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS must be a whole number of ms from 10 to 120000, got "5"; unset it for the default, 5000',
            ],
        );
    });

    it("writes durations in seconds", () => {
        assert.deepEqual([seconds(300000), seconds(250), seconds(1234)], ["300 s", "0.25 s", "1.234 s"]);
    });
});

describe("deadline messages", () => {
    it("says a write that was sent may have been applied, and that a call never sent was not", () => {
        const put = deadlineError(ctx(), 2, 60000).message;
        assert.match(
            put,
            /did not answer config:PutAggregationAuthorization .* after 2 attempts; the call was abandoned\. AWS may have applied it; running the command again finishes the job/,
        );
        const list = deadlineError(ctx({ action: "config:ListTagsForResource", verb: "reading" }), 1, 60000).message;
        assert.ok(!list.includes("may have applied"), list);
        assert.equal(
            deadlineError(ctx(), 0, 60000).message,
            `creating Config aggregation authorization (${ARN}): the operation's deadline of 60 s passed before config:PutAggregationAuthorization was sent ` +
                "(region eu-west-1, endpoint http://127.0.0.1:4566). Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set; " +
                "to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).",
        );
    });
});
