import * as assert from "node:assert/strict";
import { INPUTS_KEY, inputsDigest } from "../../provider/core/input-changes";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { provider } from "../../provider";
import { host, newRun } from "../harness/run";
import { AGGREGATOR_ACCOUNT, OWNER_A, SOURCE_ACCOUNT, arnOf, inputsFor, useAws } from "../harness/aws";
import { partitionOf } from "../../provider/core/model/id";
import { freePort } from "../harness/moto";
import { faults } from "../harness/proxy";

const inputs = inputsFor;
const ARN = arnOf("eu-west-1");
const only = (operation: string, fault: () => ReturnType<typeof faults.throttle>) => (c: { operation: string }) =>
    c.operation === operation ? fault() : undefined;

describe("AWS failures", function () {
    this.timeout(60000);
    const aws = useAws();

    describe("access denied", () => {
        it("names the refused IAM action and the resource", async () => {
            aws.proxy.inject(only("PutAggregationAuthorization", () => faults.accessDenied("config:PutAggregationAuthorization")));
            await assert.rejects(provider.create(inputs()), {
                message:
                    `creating Config aggregation authorization (${ARN}): access denied to config:PutAggregationAuthorization ` +
                    `(AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: config:PutAggregationAuthorization). ` +
                    `Grant config:PutAggregationAuthorization on ${ARN} to the credentials Pulumi uses; docs/configuration.md, "IAM permissions", lists the full IAM policy.`,
            });
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("names config:UntagResource when a tag removal is refused", async () => {
            const { id, outs } = await provider.create(inputs({ tags: { a: "1", b: "2" } }));
            aws.proxy.inject(only("UntagResource", () => faults.accessDenied("config:UntagResource")));
            await assert.rejects(provider.update!(id, outs!, inputs({ tags: { a: "1" } })), (e: Error) => {
                assert.match(e.message, /^updating Config aggregation authorization \(arn:[^)]+\): access denied to config:UntagResource /);
                return true;
            });
        });
    });

    describe("retries", () => {
        for (const [name, fault] of [
            ["ThrottlingException", faults.throttle],
            ["500", faults.internal],
            ["503", faults.unavailable],
            ["connection reset", faults.reset],
        ] as const) {
            it(`retries ${name} with backoff and succeeds`, async () => {
                let left = 2;
                aws.proxy.inject((c) => (c.operation === "PutAggregationAuthorization" && left-- > 0 ? fault() : undefined));
                const { id } = await provider.create(inputs());
                assert.equal(id, ARN);
                const puts = aws.proxy.calls.filter((c) => c.operation === "PutAggregationAuthorization").map((c) => c.status);
                assert.deepEqual(puts.slice(-1), [200]);
                assert.equal(puts.length, 3, "two failed attempts, then success");
                assert.equal((await aws.list("eu-west-1")).length, 1);
            });
        }

        it("gives up on throttling after the attempts, with a clear message", async () => {
            aws.proxy.inject(only("PutAggregationAuthorization", faults.throttle));
            await assert.rejects(provider.create(inputs()), {
                message:
                    `creating Config aggregation authorization (${ARN}): AWS kept throttling config:PutAggregationAuthorization after 4 attempts ` +
                    `(ThrottlingException: Rate exceeded). Wait and run the command again, or lower the parallelism (pulumi up --parallel 4), or raise AWS_MAX_ATTEMPTS.`,
            });
            assert.equal(aws.proxy.operations().filter((o) => o === "PutAggregationAuthorization").length, 4);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("gives up on 503 after the attempts, saying the fault is on the AWS side", async () => {
            aws.proxy.inject(only("DeleteAggregationAuthorization", faults.unavailable));
            const { id, outs } = await provider.create(inputs());
            await assert.rejects(provider.delete!(id, outs!), (e: Error) => {
                assert.equal(
                    e.message,
                    `deleting Config aggregation authorization (${ARN}): AWS Config kept failing after 4 attempts ` +
                        `(ServiceUnavailable: Service is unavailable, region eu-west-1, endpoint ${aws.proxy.url}). This is a fault on the AWS side; run the command again later.`,
                );
                return true;
            });
            assert.equal((await aws.list("eu-west-1")).length, 1, "still there, and still in state");
        });
    });

    describe("invalid parameter", () => {
        it("shows AWS's reason", async () => {
            aws.proxy.inject(
                only("PutAggregationAuthorization", () =>
                    faults.invalidParameter("The authorized AWS Region 'us-east-9' is not supported."),
                ),
            );
            await assert.rejects(provider.create(inputs()), {
                message:
                    `creating Config aggregation authorization (${ARN}): AWS rejected the request (InvalidParameterValueException): ` +
                    `The authorized AWS Region 'us-east-9' is not supported.. Fix the input named above and run the command again.`,
            });
        });
    });

    describe("unreachable endpoint", () => {
        it("says which endpoint and region were tried", async () => {
            const port = await freePort(); // nothing listens there
            const saved = process.env.AWS_ENDPOINT_URL;
            process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
            process.env.AWS_MAX_ATTEMPTS = "2";
            newRun({});
            try {
                await assert.rejects(provider.create(inputs()), {
                    message:
                        `creating Config aggregation authorization (an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1): ` +
                        `could not reach AWS STS (region eu-west-1, endpoint http://127.0.0.1:${port}) after 2 attempts: ECONNREFUSED. ` +
                        `Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set.`,
                });
            } finally {
                process.env.AWS_ENDPOINT_URL = saved;
                process.env.AWS_MAX_ATTEMPTS = "4";
            }
        });
    });

    describe("the endpoint in messages", () => {
        // STS answers through the proxy; Config has no override, so the SDK resolves AWS's own endpoint,
        // which does not resolve on this network (no connection is ever made).
        for (const [what, env, region, host] of [
            // (FIPS and dual-stack cannot be shown this way: the SDK refuses them beside the STS override.)
            ["a China endpoint", {}, "cn-north-1", "https://config.cn-north-1.amazonaws.com.cn"],
            ["an ISO endpoint", {}, "us-iso-east-1", "https://config.us-iso-east-1.c2s.ic.gov"],
        ] as const) {
            it(`names ${what} as the SDK resolved it`, async () => {
                const saved = { ...process.env };
                Object.assign(process.env, env, { AWS_ENDPOINT_URL_STS: aws.proxy.url, AWS_MAX_ATTEMPTS: "1" });
                delete process.env.AWS_ENDPOINT_URL;
                newRun({});
                const arn = `arn:${partitionOf(region)}:config:${region}:${SOURCE_ACCOUNT}:aggregation-authorization/${AGGREGATOR_ACCOUNT}/us-east-1`;
                try {
                    await assert.rejects(
                        provider.delete!(arn, { ...inputs({ region }), arn, accountId: SOURCE_ACCOUNT, creationTime: "x" }),
                        (e: Error) => {
                            assert.match(
                                e.message,
                                new RegExp(`could not reach AWS Config \\(region ${region}, endpoint ${host.replace(/\./g, "\\.")}\\)`),
                            );
                            return true;
                        },
                    );
                } finally {
                    process.env = saved;
                    newRun({});
                }
            });
        }
    });

    describe("the endpoint variables in messages", () => {
        it("names AWS_ENDPOINT_URL_STS when only AWS_ENDPOINT_URL_CONFIG_SERVICE is set and STS went to AWS's own endpoint", async () => {
            const saved = { ...process.env };
            delete process.env.AWS_ENDPOINT_URL;
            delete process.env.AWS_ENDPOINT_URL_STS;
            Object.assign(process.env, { AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.proxy.url, AWS_MAX_ATTEMPTS: "1" });
            newRun({});
            const note =
                "(AWS_ENDPOINT_URL_CONFIG_SERVICE is set, but only for AWS Config: AWS STS calls go to AWS's own endpoint unless AWS_ENDPOINT_URL_STS is set too)";
            try {
                await assert.rejects(provider.create(inputs()), (e: Error) => {
                    // AWS's own STS endpoint does not resolve on this network; the lookup's code depends on the resolver.
                    const code = /: (ENOTFOUND|EAI_AGAIN)\. /.exec(e.message)?.[1] ?? "ENOTFOUND";
                    assert.equal(
                        e.message,
                        `creating Config aggregation authorization (an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1): ` +
                            `could not reach AWS STS (region eu-west-1, endpoint https://sts.eu-west-1.amazonaws.com): ${code}. ` +
                            `Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set ${note}.`,
                    );
                    return true;
                });
                assert.deepEqual(aws.proxy.calls, [], "no Config call");
            } finally {
                process.env = saved;
                newRun({});
            }
        });
    });

    describe("concurrent creates", () => {
        it("names each resource in its own error when the shared account lookup fails", async () => {
            const port = await freePort(); // nothing listens there
            const saved = process.env.AWS_ENDPOINT_URL;
            process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
            process.env.AWS_MAX_ATTEMPTS = "1";
            newRun({});
            try {
                const accounts = ["111100000001", "111100000002", "111100000003"];
                const results = await Promise.allSettled(accounts.map((a) => provider.create(inputs({ authorizedAccountId: a }))));
                assert.deepEqual(
                    results.map((r) => (r.status === "rejected" ? (r.reason as Error).message.split("): ")[0] : "created")),
                    accounts.map(
                        (a) =>
                            `creating Config aggregation authorization (an authorization for aggregator account ${a} in us-east-1 in source region eu-west-1`,
                    ),
                );
            } finally {
                process.env.AWS_ENDPOINT_URL = saved;
                process.env.AWS_MAX_ATTEMPTS = "4";
            }
        });
    });

    describe("credentials", () => {
        it("says which credential sources were tried when there are none", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-creds-"));
            const saved = { ...process.env };
            for (const k of [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_ROLE_ARN",
            ])
                delete process.env[k];
            // No shared files, and no instance metadata: this machine must not call 169.254.169.254.
            Object.assign(process.env, {
                AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"),
                AWS_CONFIG_FILE: path.join(dir, "config"),
                AWS_EC2_METADATA_DISABLED: "true",
            });
            newRun({});
            try {
                await assert.rejects(provider.create(inputs()), (e: Error) => {
                    assert.match(
                        e.message,
                        new RegExp(
                            `^creating Config aggregation authorization \\(an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1\\): ` +
                                `no usable AWS credentials were found\\. Tried environment variables \\(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN\\), ` +
                                `the shared config and credentials files \\(~/\\.aws/config, ~/\\.aws/credentials\\) with profile "default" .*SSO, web identity .*instance metadata services\\. ` +
                                `Sign in again \\(e\\.g\\. aws sso login\\) or set valid credentials, then run the command again\\.$`,
                        ),
                    );
                    return true;
                });
                assert.deepEqual(aws.proxy.calls, [], "nothing was sent");
            } finally {
                process.env = saved;
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("says the credentials were rejected when AWS answers ExpiredTokenException", async () => {
            aws.proxy.inject(only("ListTagsForResource", faults.expiredToken));
            await assert.rejects(provider.create(inputs()), (e: Error) => {
                assert.match(
                    e.message,
                    /^creating Config aggregation authorization \(arn:[^)]+\): AWS rejected the credentials \(ExpiredTokenException: The security token included in the request is expired\)\. Tried environment variables/,
                );
                return true;
            });
        });
    });

    describe("self-authorization", () => {
        it("authorizes the source account itself, as AWS does (Control Tower environments hold such authorizations)", async () => {
            const arn = `arn:aws:config:eu-west-1:${SOURCE_ACCOUNT}:aggregation-authorization/${SOURCE_ACCOUNT}/us-east-1`;
            const { id, outs } = await provider.create(inputs({ authorizedAccountId: SOURCE_ACCOUNT }));
            assert.equal(id, arn);
            assert.equal(outs!.accountId, outs!.authorizedAccountId);
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.AggregationAuthorizationArn),
                [arn],
            );
        });

        it("adopts an existing authorization of the source account itself", async () => {
            await aws.putOutOfBand("eu-west-1", SOURCE_ACCOUNT, "us-east-1", { "aws-control-tower": "managed-by-control-tower" });
            const { outs } = await provider.create(inputs({ authorizedAccountId: SOURCE_ACCOUNT, adoptExisting: true }));
            assert.equal(outs!.adopted, true);
            assert.deepEqual(await aws.tags("eu-west-1", outs!.arn), { "aws-control-tower": "managed-by-control-tower", team: "platform" });
        });
    });

    describe("partial create", () => {
        it("reports a Put whose answer was lost as a partial create with its ID, so the state knows it", async () => {
            aws.proxy.inject(only("PutAggregationAuthorization", faults.lostAnswer));
            let creationTime: unknown;
            await assert.rejects(
                provider.create(inputs()),
                (e: Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] }) => {
                    assert.equal(e.id, ARN);
                    assert.deepEqual(
                        { ...e.properties, creationTime: undefined },
                        {
                            authorizedAccountId: AGGREGATOR_ACCOUNT,
                            authorizedAwsRegion: "us-east-1",
                            region: "eu-west-1",
                            tags: { team: "platform" },
                            tagsAll: { team: "platform" },
                            owner: OWNER_A,
                            arn: ARN,
                            accountId: SOURCE_ACCOUNT,
                            creationTime: undefined,
                            adopted: false,
                            creationId: e.properties!.creationId,
                            [INPUTS_KEY]: inputsDigest(inputs()),
                        },
                    );
                    assert.match(String(e.properties!.creationId), /^[0-9a-f]{16}$/, "the creation whose tag AWS holds");
                    assert.match(
                        e.message,
                        /^creating Config aggregation authorization \(arn:[^)]+\): could not reach AWS Config .* after 4 attempts: ECONNRESET/,
                    );
                    assert.deepEqual(e.reasons, [e.message]);
                    creationTime = e.properties!.creationTime;
                    return true;
                },
            );
            assert.equal(
                creationTime,
                (await aws.list("eu-west-1"))[0].CreationTime!.toISOString(),
                "the partial state has the creation time",
            );
            assert.equal((await aws.list("eu-west-1")).length, 1, "AWS holds it");
        });

        it("records an unconfirmed creation when the look after a lost answer fails too; the update confirms it and learns its time", async () => {
            let put = false;
            aws.proxy.inject((c) => {
                if (c.operation === "PutAggregationAuthorization") {
                    put = true;
                    return faults.lostAnswer();
                }
                const look = c.operation === "ListTagsForResource" || c.operation === "DescribeAggregationAuthorizations";
                return put && look ? faults.internal() : undefined;
            });
            let recorded: Record<string, unknown> | undefined;
            await assert.rejects(provider.create(inputs()), (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
                assert.equal(e.id, ARN, "a partial create: the state knows it");
                assert.equal(e.properties!.creationTime, "", "unconfirmed: no creation time");
                assert.match(String(e.properties!.creationId), /^[0-9a-f]{16}$/);
                recorded = e.properties;
                return true;
            });
            aws.proxy.inject(() => undefined);
            const [held] = await aws.list("eu-west-1");
            assert.ok(held, "AWS applied the Put");
            const { outs } = await provider.update!(ARN, recorded as never, inputs());
            assert.equal(outs!.creationTime, held.CreationTime!.toISOString(), "confirmed by its owner tag, its creation time learnt");
            assert.equal(outs!.creationId, recorded!.creationId);
            await provider.delete!(ARN, outs!);
            assert.deepEqual(await aws.list("eu-west-1"), [], "destroy deletes it: nothing orphaned");
        });

        it("creates at the update an unconfirmed creation that AWS never applied", async () => {
            const unconfirmed = {
                ...inputs(),
                arn: ARN,
                accountId: SOURCE_ACCOUNT,
                creationTime: "",
                creationId: "0123456789abcdef",
                adopted: false,
                tagsAll: { team: "platform" },
            };
            const { outs } = await provider.update!(ARN, unconfirmed, inputs());
            const [held] = await aws.list("eu-west-1");
            assert.equal(outs!.arn, ARN);
            assert.equal(outs!.creationTime, held.CreationTime!.toISOString());
            assert.notEqual(outs!.creationId, "0123456789abcdef", "a new creation");
            assert.equal(
                (await aws.rawTags("eu-west-1", ARN))["pulumi-aws-config-aggregation:owner"],
                `${OWNER_A} creation:${outs!.creationId}`,
            );
        });

        it("reports an adoption whose tagging failed as a partial create with the tags AWS holds", async () => {
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { old: "x" });
            aws.proxy.inject(only("TagResource", () => faults.accessDenied("config:TagResource")));
            await assert.rejects(
                provider.create(inputs({ adoptExisting: true })),
                (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
                    assert.equal(e.id, ARN);
                    assert.deepEqual(e.properties!.tags, {}, "the declared tag did not get through");
                    assert.equal(e.properties!.adopted, true);
                    return true;
                },
            );
            assert.deepEqual(await aws.tags("eu-west-1", ARN), { old: "x" }, "a tag someone else set is never removed on adoption");
        });
    });

    describe("malformed IDs", () => {
        it("says that an ARN is accepted too when get is given a malformed ID, echoing at most 256 characters", async () => {
            const formats =
                "expected the authorization's ARN, arn:<partition>:config:<source region>:<source account>:aggregation-authorization/<authorized account>/<authorized region>, " +
                "or <authorized account>:<authorized region>, e.g. 123456789012:us-east-1 (AggregationAuthorization.get and pulumi import take either)";
            await assert.rejects(provider.read!("111122223333/us-east-1"), {
                message: `reading Config aggregation authorization (111122223333/us-east-1): unexpected ID format: ${formats}`,
            });
            await assert.rejects(provider.read!("arn:" + "x".repeat(1000)), {
                message:
                    `reading Config aggregation authorization (arn:${"x".repeat(252)}…): unexpected ID format: the same cause as for ` +
                    "reading Config aggregation authorization (111122223333/us-east-1), whose message says it whole and what to do.",
            });
            host.forget(); // a new run tells it whole again
            await assert.rejects(provider.read!("arn:" + "x".repeat(1000)), {
                message: `reading Config aggregation authorization (arn:${"x".repeat(252)}…): unexpected ID format: ${formats}`,
            });
            assert.deepEqual(aws.proxy.calls, []);
        });
    });
});
