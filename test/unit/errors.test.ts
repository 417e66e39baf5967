import * as assert from "node:assert/strict";
import { assumeRoleError, checkNetwork, deadlineError, translate, type CallContext } from "../../provider/core/aws/errors";
import { resolveLimits, seconds } from "../../provider/core/aws/limits";
import { scrubAwsMessage, truncate, withoutUserinfo } from "../../provider/core/model/redact";
import { provider } from "../../provider";
import { findLeaks, install, messages } from "../harness/leaks";
import { FAKE_SECRETS } from "../harness/secrets";

const ARN = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";
const ctx = (over: Partial<CallContext> = {}): CallContext => ({
    verb: "creating",
    resource: ARN,
    action: "config:PutAggregationAuthorization",
    region: "eu-west-1",
    endpoint: `http://ci:${FAKE_SECRETS.userinfoPassword}@127.0.0.1:4566`,
    ...over,
});
const awsError = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name, ...extra });

describe("an endpoint without the operation", () => {
    it("is named as that, not as a fault on the AWS side", () => {
        const page = Object.assign(new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`), {
            $metadata: { httpStatusCode: 500, attempts: 1 },
            $response: { statusCode: 500, headers: { "content-type": "text/html; charset=utf-8" } },
        });
        assert.equal(
            translate(page, ctx()).message,
            `creating Config aggregation authorization (${ARN}): the endpoint http://127.0.0.1:4566 does not implement ` +
                `config:PutAggregationAuthorization: it answered HTTP 500 with an HTML page (region eu-west-1; not retried). It is not AWS Config, ` +
                `or an emulator without this operation: point AWS_ENDPOINT_URL_CONFIG_SERVICE (or AWS_ENDPOINT_URL) at one that has it, or unset it for AWS's own.`,
        );
        assert.match(
            translate(awsError("UnknownOperationException", ""), ctx({ action: "sts:GetCallerIdentity" })).message,
            /: the endpoint http:\/\/127\.0\.0\.1:4566 does not implement sts:GetCallerIdentity: it answered UnknownOperationException .* It is not AWS STS, .*point AWS_ENDPOINT_URL_STS /,
        );
    });
});

describe("messages carry no secrets", () => {
    it("drops the userinfo of any URL", () => {
        assert.equal(
            withoutUserinfo(`see http://ci:${FAKE_SECRETS.userinfoPassword}@proxy:8080/x and https://a@b/`),
            "see http://proxy:8080/x and https://b/",
        );
        assert.equal(withoutUserinfo("http://127.0.0.1:4566"), "http://127.0.0.1:4566");
    });

    it("removes the value AWS's request validation echoes, keeping where and what", () => {
        assert.equal(
            scrubAwsMessage(
                `1 validation error detected: Value '${FAKE_SECRETS.tagValue}' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
            ),
            "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
        );
        assert.equal(
            scrubAwsMessage(`2 validation errors detected: Value null at 'a' failed; Value '[x, y]' at 'tagKeys' failed`),
            "2 validation errors detected: Value at 'a' failed; Value at 'tagKeys' failed",
        );
    });

    it("removes any quoted echo of a tag value the request sent", () => {
        assert.equal(
            scrubAwsMessage(`Tag value "${FAKE_SECRETS.tagValue}" is invalid`, [FAKE_SECRETS.tagValue]),
            `Tag value "…" is invalid`,
        );
    });

    it("removes the environment's secret key and session token", () => {
        const saved = { ...process.env };
        Object.assign(process.env, { AWS_SECRET_ACCESS_KEY: FAKE_SECRETS.secretAccessKey, AWS_SESSION_TOKEN: FAKE_SECRETS.sessionToken });
        try {
            assert.equal(
                scrubAwsMessage(`signed with ${FAKE_SECRETS.secretAccessKey} and ${FAKE_SECRETS.sessionToken}`),
                "signed with [redacted] and [redacted]",
            );
        } finally {
            process.env = saved;
        }
    });

    it("passes AWS's validation answer through without the value, naming the endpoint without userinfo", () => {
        const e = translate(
            awsError(
                "ValidationException",
                `1 validation error detected: Value '${FAKE_SECRETS.tagValue}' at 'tags.1.member.value' failed to satisfy constraint`,
            ),
            ctx({ secrets: [FAKE_SECRETS.tagValue] }),
        );
        assert.equal(
            e.message,
            `creating Config aggregation authorization (${ARN}): AWS rejected the request (ValidationException): ` +
                "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint. Fix the input named above and run the command again.",
        );
        const other = translate(awsError("SomethingNew", "odd", { $metadata: { attempts: 1 } }), ctx());
        assert.equal(
            other.message,
            `creating Config aggregation authorization (${ARN}): SomethingNew: odd (region eu-west-1, endpoint http://127.0.0.1:4566).`,
        );
    });

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
                "AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set; to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS " +
                "(or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).",
        );
    });

    it("names a profile that does not exist, and where it was looked for", () => {
        const e = translate(
            awsError("CredentialsProviderError", "Could not load credentials from any providers"),
            ctx({
                missingProfile: {
                    name: "prod-admn",
                    source: "the aws:profile stack config",
                    configFile: "/h/.aws/config",
                    credentialsFile: "/h/.aws/credentials",
                },
            }),
        );
        assert.equal(
            e.message,
            `creating Config aggregation authorization (${ARN}): the AWS profile "prod-admn" (from the aws:profile stack config) does not exist: ` +
                "it is in neither /h/.aws/config nor /h/.aws/credentials. Create it (aws configure --profile prod-admn, or aws configure sso), " +
                "or set the aws:profile stack config to an existing profile, then run the command again.",
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
                requestTimeoutMs: 10000,
                operationTimeoutMs: 30000,
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

describe("leak scan", () => {
    it("finds a fake secret in a recorded message, and names which", () => {
        assert.deepEqual(
            findLeaks([
                { source: "create", text: "fine" },
                { source: "check failure", text: `tags: value ${FAKE_SECRETS.tagValue}` },
            ]),
            [`tagValue in check failure: tags: value ${FAKE_SECRETS.tagValue}`],
        );
    });

    it("records the messages of the provider's methods and check failures", async () => {
        install();
        const before = messages().length;
        const result = await provider.check!(
            {} as never,
            { authorizedAccountId: "1", authorizedAwsRegion: "us-east-1", region: "eu-west-1" } as never,
        );
        assert.equal(result.failures?.length, 1);
        await assert.rejects(provider.read!("not-an-id"));
        const added = messages()
            .slice(before)
            .map((m) => m.source);
        assert.deepEqual(added, ["validate", "check failure", "read"]);
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

describe("the endpoint variables in messages", () => {
    const ROLE = "arn:aws:iam::444455556666:role/config-authorizer";
    const FROM = "the AWS_ACCESS_KEY_ID environment variable";
    const RAISE_DEADLINE =
        "to allow more time, raise PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS (or the stack config pulumi-aws-config-aggregation:operationTimeoutMs).";
    const refused = () => awsError("Error", "connect ECONNREFUSED 127.0.0.1:4566", { code: "ECONNREFUSED", $metadata: { attempts: 2 } });
    const sts = (over: Partial<CallContext> = {}) => ctx({ action: "sts:GetCallerIdentity", ...over });
    const assuming = (over: Partial<CallContext> = {}) =>
        ctx({ action: "sts:AssumeRole", assuming: { roleArn: ROLE, account: "444455556666", from: FROM }, ...over });
    let saved: NodeJS.ProcessEnv;
    beforeEach(() => {
        saved = { ...process.env };
        for (const k of ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CONFIG_SERVICE"]) delete process.env[k];
    });
    afterEach(() => {
        process.env = saved;
    });

    it("names STS's variables for an STS call and Config's for a Config call", () => {
        assert.equal(
            translate(refused(), sts()).message,
            `creating Config aggregation authorization (${ARN}): could not reach AWS STS (region eu-west-1, endpoint http://127.0.0.1:4566) after 2 attempts: ` +
                "ECONNREFUSED. Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set.",
        );
        assert.equal(
            translate(refused(), ctx()).message,
            `creating Config aggregation authorization (${ARN}): could not reach AWS Config (region eu-west-1, endpoint http://127.0.0.1:4566) after 2 attempts: ` +
                "ECONNREFUSED. Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set.",
        );
    });

    it("says an STS call went to AWS's own endpoint when only AWS_ENDPOINT_URL_CONFIG_SERVICE is set", () => {
        process.env.AWS_ENDPOINT_URL_CONFIG_SERVICE = "http://127.0.0.1:4566";
        const note =
            "(AWS_ENDPOINT_URL_CONFIG_SERVICE is set, but only for AWS Config: AWS STS calls go to AWS's own endpoint unless AWS_ENDPOINT_URL_STS is set too)";
        assert.equal(
            translate(refused(), sts({ endpoint: "https://sts.eu-west-1.amazonaws.com" })).message,
            `creating Config aggregation authorization (${ARN}): could not reach AWS STS (region eu-west-1, endpoint https://sts.eu-west-1.amazonaws.com) ` +
                `after 2 attempts: ECONNREFUSED. Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set ${note}.`,
        );
        // With an emulator's credentials, AWS itself answers that it does not know them.
        assert.equal(
            translate(
                awsError("InvalidClientTokenId", "The security token included in the request is invalid."),
                sts({ endpoint: "https://sts.eu-west-1.amazonaws.com", profile: "default" }),
            ).message,
            `creating Config aggregation authorization (${ARN}): AWS rejected the credentials (InvalidClientTokenId: The security token included in the request is invalid.) ` +
                `${note}. Tried environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), the shared config and credentials files ` +
                `(~/.aws/config, ~/.aws/credentials) with profile "default" (set by the aws:profile stack config or AWS_PROFILE), SSO, web identity ` +
                "(AWS_WEB_IDENTITY_TOKEN_FILE), and the container and instance metadata services. Sign in again (e.g. aws sso login) or set valid credentials, then run the command again.",
        );
        assert.equal(
            checkNetwork("config:ListTagsForResource"),
            "Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set",
        );
    });

    it("says a Config call went to AWS's own endpoint when only AWS_ENDPOINT_URL_STS is set, and says nothing more under AWS_ENDPOINT_URL", () => {
        process.env.AWS_ENDPOINT_URL_STS = "http://127.0.0.1:4566";
        assert.equal(
            checkNetwork("config:PutAggregationAuthorization"),
            "Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set " +
                "(AWS_ENDPOINT_URL_STS is set, but only for AWS STS: AWS Config calls go to AWS's own endpoint unless AWS_ENDPOINT_URL_CONFIG_SERVICE is set too)",
        );
        assert.equal(
            checkNetwork("sts:GetCallerIdentity"),
            "Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set",
        );
        process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:4566";
        assert.equal(
            checkNetwork("config:PutAggregationAuthorization"),
            "Check the network, the region, and AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL if set",
        );
    });

    describe("assuming a role", () => {
        it("tells a refused connection from IAM refusing the role, naming the role, its account and the credentials", () => {
            assert.equal(
                assumeRoleError(refused(), assuming()).message,
                `creating Config aggregation authorization (${ARN}): could not assume role ${ROLE} in account 444455556666 from ${FROM}: ` +
                    "could not reach AWS STS (region eu-west-1, endpoint http://127.0.0.1:4566) after 2 attempts: ECONNREFUSED. " +
                    "Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set. Pulumi changed nothing.",
            );
            assert.equal(
                assumeRoleError(
                    awsError(
                        "AccessDenied",
                        `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
                    ),
                    assuming(),
                ).message,
                `creating Config aggregation authorization (${ARN}): could not assume role ${ROLE} in account 444455556666 from ${FROM} ` +
                    `(AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: ${ROLE}). ` +
                    "Pulumi changed nothing. Check that the role exists, that its trust policy lets those credentials assume it (with the external ID, " +
                    "if it requires one), and that they may call sts:AssumeRole on it.",
            );
        });

        it("recognises the network failure by the Node error code of a cause, and a timeout by the SDK's TimeoutError", () => {
            const wrapped = awsError("Error", "socket hang up", { cause: { code: "ENOTFOUND" } });
            assert.match(
                assumeRoleError(wrapped, assuming()).message,
                /: could not reach AWS STS \(region eu-west-1, endpoint http:\/\/127\.0\.0\.1:4566\): ENOTFOUND\. /,
            );
            assert.equal(
                assumeRoleError(
                    awsError("TimeoutError", "a request has exceeded the configured 250 ms requestTimeout.", {
                        $metadata: { attempts: 3 },
                    }),
                    assuming({ timeouts: { connectMs: 5000, requestMs: 250 } }),
                ).message,
                `creating Config aggregation authorization (${ARN}): could not assume role ${ROLE} in account 444455556666 from ${FROM}: ` +
                    "AWS STS did not answer sts:AssumeRole in time (region eu-west-1, endpoint http://127.0.0.1:4566) after 3 attempts, the last one timed out " +
                    "(connect timeout 5 s, request timeout 0.25 s). Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set; " +
                    "to wait longer, raise PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS or PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS. Pulumi changed nothing.",
            );
        });

        it("names the role being assumed when the deadline passes", () => {
            assert.equal(
                deadlineError(assuming(), 1, 500).message,
                `creating Config aggregation authorization (${ARN}): AWS STS did not answer sts:AssumeRole of role ${ROLE} in account 444455556666 from ${FROM} ` +
                    "(region eu-west-1, endpoint http://127.0.0.1:4566) within the operation's deadline of 0.5 s, after 1 attempt; the call was abandoned. " +
                    `Pulumi changed nothing. Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set; ${RAISE_DEADLINE}`,
            );
            assert.equal(
                deadlineError(assuming(), 0, 500).message,
                `creating Config aggregation authorization (${ARN}): the operation's deadline of 0.5 s passed before sts:AssumeRole of role ${ROLE} ` +
                    `in account 444455556666 from ${FROM} was sent (region eu-west-1, endpoint http://127.0.0.1:4566). ` +
                    `Pulumi changed nothing. Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set; ${RAISE_DEADLINE}`,
            );
        });
    });
});
