/**
 * Many accounts from one program (issue 10): the stack's `aws:` settings and the resource's own
 * `assumeRole`, against moto with several accounts (its STS AssumeRole gives credentials that act in
 * the role's account). Every scenario reads the AWS state back per account.
 */
import * as assert from "node:assert/strict";
import { faults } from "../harness/proxy";
import { host, newRun } from "../harness/run";
import { provider } from "../../provider";
import { parseSettings } from "../../provider/core/aws/settings";
import { freePort } from "../harness/moto";
import type { Inputs, Outputs } from "../../provider/core/model/types";
import {
    AGGREGATOR_ACCOUNT,
    CREDENTIALS_ENV,
    FOURTH_ACCOUNT,
    OTHER_ACCOUNT,
    OWNER_A,
    SOURCE_ACCOUNT,
    THIRD_ACCOUNT,
    arnOf,
    inputsFor,
    roleIn,
    useAws,
    created,
    withoutDigest,
} from "../harness/aws";

const OWNER = "pulumi-aws-config-aggregation:owner";
const EXTERNAL_ID = "external-id-that-is-secret-42";

/** Configures the provider as `configure` would from these stack settings (JSON-valued ones as JSON text). */
function stackConfig(config: Record<string, unknown>): void {
    const text = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    newRun(parseSettings((k) => text[k]));
}

/** Inputs of an authorization in `account` reached through its role. */
const viaRole = (account: string, over: Partial<Inputs> = {}): Inputs => inputsFor({ assumeRole: { roleArn: roleIn(account) }, ...over });

describe("several accounts", function () {
    this.timeout(30000);
    const aws = useAws();

    describe("assumeRole input", () => {
        it("creates the authorization in the role's account, and reads, updates and deletes it there", async () => {
            const { id, outs } = await provider.create(viaRole(OTHER_ACCOUNT));
            const arn = arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT);
            assert.equal(id, arn);
            assert.equal(outs!.accountId, OTHER_ACCOUNT);
            assert.deepEqual(outs!.assumeRole, { roleArn: roleIn(OTHER_ACCOUNT) });
            assert.deepEqual(
                (await aws.listIn(OTHER_ACCOUNT, "eu-west-1")).map((a) => a.AggregationAuthorizationArn),
                [arn],
            );
            assert.deepEqual(await aws.list("eu-west-1"), [], "nothing in the account of the stack's credentials");
            const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole");
            assert.deepEqual(
                assumed.map((c) => [c.params?.RoleArn, c.accessKeyId]),
                [[roleIn(OTHER_ACCOUNT), CREDENTIALS_ENV.AWS_ACCESS_KEY_ID]],
                "one AssumeRole, signed with the stack's credentials",
            );
            const configCalls = aws.proxy.calls.filter((c) => c.service === "config");
            assert.ok(
                configCalls.every((c) => c.accessKeyId !== CREDENTIALS_ENV.AWS_ACCESS_KEY_ID),
                "Config calls use the role's credentials",
            );

            const read = await provider.read!(id, outs);
            assert.deepEqual([read.id, withoutDigest(read.props)], [id, withoutDigest(outs)]);
            const upd = await provider.update!(id, outs!, viaRole(OTHER_ACCOUNT, { tags: { team: "security" } }));
            assert.deepEqual(upd.outs!.tags, { team: "security" });
            assert.deepEqual(await aws.tagsIn(OTHER_ACCOUNT, "eu-west-1", arn), { team: "security", [OWNER]: created(OWNER_A) });
            await provider.delete!(id, upd.outs as Outputs);
            assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
        });

        it("one process reaches four accounts in two regions, one AssumeRole per role and no GetCallerIdentity (the role's ARN says its account)", async () => {
            const accounts = [SOURCE_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT, FOURTH_ACCOUNT];
            await Promise.all(
                accounts.flatMap((account) => ["eu-west-1", "us-west-2"].map((region) => provider.create(viaRole(account, { region })))),
            );
            for (const account of accounts) {
                for (const region of ["eu-west-1", "us-west-2"]) {
                    assert.deepEqual(
                        (await aws.listIn(account, region)).map((a) => a.AggregationAuthorizationArn),
                        [arnOf(region, "us-east-1", AGGREGATOR_ACCOUNT, account)],
                        `${account}/${region}`,
                    );
                }
            }
            const sts = aws.proxy.calls.filter((c) => c.service === "sts");
            assert.deepEqual(
                sts
                    .filter((c) => c.operation === "AssumeRole")
                    .map((c) => c.params?.RoleArn)
                    .sort(),
                accounts.map((a) => roleIn(a)).sort(),
            );
            assert.equal(sts.filter((c) => c.operation === "GetCallerIdentity").length, 0);
        });

        it("an account lookup that fails in one region is that region's: the other regions ask their own", async () => {
            aws.proxy.inject((c) =>
                c.operation === "GetCallerIdentity" && c.region === "eu-west-1" ? faults.accessDenied("sts:GetCallerIdentity") : undefined,
            );
            const failed = await provider.create(inputsFor({ region: "eu-west-1" })).then(
                () => assert.fail("the create in eu-west-1 should fail"),
                (e: Error) => e,
            );
            assert.match(failed.message, /sts:GetCallerIdentity/);
            const { id } = await provider.create(inputsFor({ region: "us-west-2" }));
            assert.equal(id, arnOf("us-west-2"));
            const asked = aws.proxy.calls.filter((c) => c.operation === "GetCallerIdentity").map((c) => c.region);
            assert.equal(asked.at(-1), "us-west-2", "us-west-2 asked its own endpoint after eu-west-1's failed");
            await provider.create(inputsFor({ region: "eu-west-1" })).then(
                () => assert.fail("eu-west-1's failure is remembered for this run"),
                (e: Error) => assert.equal(e.message, failed.message),
            );
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("asks STS for the account in the stack's aws:region, for every region of its partition", async () => {
            stackConfig({ "aws:region": "us-west-2" });
            await provider.create(inputsFor({ region: "eu-west-1" }));
            await provider.create(inputsFor({ region: "ap-southeast-2" }));
            assert.deepEqual(
                aws.proxy.calls.filter((c) => c.service === "sts").map((c) => [c.operation, c.region]),
                [["GetCallerIdentity", "us-west-2"]],
                "one lookup, in the stack's region",
            );
        });

        it("fails a Put that lands in another account than the role's, and records nothing", async () => {
            // An endpoint that does not act in the role's account: its Put answers an ARN of another account.
            const elsewhere = arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, THIRD_ACCOUNT);
            aws.proxy.inject((c) =>
                c.operation === "PutAggregationAuthorization"
                    ? {
                          kind: "answer",
                          body: {
                              AggregationAuthorization: {
                                  AggregationAuthorizationArn: elsewhere,
                                  AuthorizedAccountId: AGGREGATOR_ACCOUNT,
                                  AuthorizedAwsRegion: "us-east-1",
                                  CreationTime: 1.7e9,
                              },
                          },
                      }
                    : undefined,
            );
            await assert.rejects(provider.create(viaRole(OTHER_ACCOUNT)), {
                message:
                    `creating Config aggregation authorization (${arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT)}): ` +
                    `the credentials in use (role ${roleIn(OTHER_ACCOUNT)} assumed from the AWS_ACCESS_KEY_ID environment variable) act in account ` +
                    `${THIRD_ACCOUNT}, not in account ${OTHER_ACCOUNT}: AWS answered the Put with ${elsewhere}; it is not this creation ` +
                    `(AWS ignores the tags of a Put on one that exists): Pulumi changed nothing. The endpoint does not act in a role's own ` +
                    `account (AWS does); use credentials that act in account ${OTHER_ACCOUNT}.`,
                code: "WrongAccount",
            });
            assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
        });

        it("diff: a role in another account replaces; another role in the same account is an update that writes nothing", async () => {
            const { id, outs } = await provider.create(viaRole(OTHER_ACCOUNT));
            assert.deepEqual(await provider.diff!(id, outs!, viaRole(THIRD_ACCOUNT)), {
                changes: true,
                replaces: ["assumeRole"],
            });
            assert.deepEqual(await provider.diff!(id, outs!, viaRole(OTHER_ACCOUNT)), {
                changes: false,
                replaces: [],
            });
            const sameAccount = inputsFor({ assumeRole: { roleArn: roleIn(OTHER_ACCOUNT, "other-role"), sessionName: "ci" } });
            // An in-place update the inputs show: left to the engine's diff of the inputs (input-changes.ts).
            assert.deepEqual(await provider.diff!(id, outs!, sameAccount), { changes: undefined, replaces: [] });
            // Dropping the role: the stack's credentials act in SOURCE_ACCOUNT, another account.
            assert.deepEqual(await provider.diff!(id, outs!, inputsFor()), {
                changes: true,
                replaces: ["assumeRole"],
            });
            aws.proxy.clear();
            const upd = await provider.update!(id, outs!, sameAccount);
            assert.deepEqual(upd.outs!.assumeRole, { roleArn: roleIn(OTHER_ACCOUNT, "other-role"), sessionName: "ci" });
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "no write");
            assert.deepEqual(
                aws.proxy.calls.filter((c) => c.operation === "AssumeRole").map((c) => [c.params?.RoleArn, c.params?.RoleSessionName]),
                [[roleIn(OTHER_ACCOUNT, "other-role"), "ci"]],
            );
        });

        it("refuses to read, change or delete through a role of another account, and changes nothing", async () => {
            const { id, outs } = await provider.create(viaRole(OTHER_ACCOUNT));
            const wrong = { ...outs!, assumeRole: { roleArn: roleIn(THIRD_ACCOUNT) } };
            aws.proxy.clear();
            const message = (verb: string, nothing: string) =>
                `${verb} Config aggregation authorization (${id}): the credentials in use (role ${roleIn(THIRD_ACCOUNT)} assumed from ` +
                `the AWS_ACCESS_KEY_ID environment variable) belong to account ${THIRD_ACCOUNT}, but this authorization lives in account ${OTHER_ACCOUNT}. ` +
                `${nothing}: an authorization for the same aggregator in account ${THIRD_ACCOUNT} is a different one. ` +
                `Give this resource's assumeRole a role in account ${OTHER_ACCOUNT}.`;
            await assert.rejects(provider.read!(id, wrong), { message: message("reading", "Pulumi read nothing and changed nothing") });
            await assert.rejects(provider.delete!(id, wrong), { message: message("deleting", "Pulumi changed nothing") });
            assert.deepEqual(aws.proxy.operations(), [], "no Config call");
            assert.deepEqual((await aws.listIn(OTHER_ACCOUNT, "eu-west-1")).length, 1);
        });

        it("passes the external ID to AssumeRole and never puts it in a message", async () => {
            const inputs = viaRole(OTHER_ACCOUNT, { assumeRoleExternalId: EXTERNAL_ID });
            const { outs } = await provider.create(inputs);
            const assumed = aws.proxy.calls.find((c) => c.operation === "AssumeRole")!;
            assert.equal(assumed.params?.ExternalId, EXTERNAL_ID);
            assert.equal(outs!.assumeRoleExternalId, EXTERNAL_ID, "kept for later calls; the resource class makes it a secret");
            const bad = await provider.check!({} as Inputs, viaRole(OTHER_ACCOUNT, { assumeRoleExternalId: "x" }));
            assert.deepEqual(bad.failures, [
                {
                    property: "",
                    reason: "assumeRole.externalId must be 2–1224 letters, digits or _+=,.@:/- (AWS STS), got a string of 1 characters",
                },
            ]);
        });

        it("check adds the ARN and account the role determines, so that a preview knows them, and reads a new one once by ARN", async () => {
            const r = await provider.check!({} as Inputs, viaRole(OTHER_ACCOUNT));
            assert.deepEqual(r, {
                inputs: {
                    ...viaRole(OTHER_ACCOUNT),
                    accountId: OTHER_ACCOUNT,
                    arn: arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT),
                    tagsAll: { team: "platform" },
                },
            });
            assert.deepEqual(
                aws.proxy.calls.map((c) => c.operation),
                ["AssumeRole", "ListTagsForResource"],
                "the role assumed (its ARN says its account), then one read in its account: does it exist already?",
            );
            aws.proxy.clear();
            const unknownRegion = viaRole(OTHER_ACCOUNT, { region: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
            assert.deepEqual(await provider.check!({} as Inputs, unknownRegion), {
                inputs: { ...unknownRegion, tagsAll: { team: "platform" } },
            });
            assert.equal(aws.proxy.calls.length, 0, "with a key not known yet, check asks AWS nothing");
            // Without a role the account is the credentials': check asks STS once, then reads by ARN.
            assert.deepEqual(await provider.check!({} as Inputs, inputsFor()), {
                inputs: { ...inputsFor(), accountId: SOURCE_ACCOUNT, arn: arnOf("eu-west-1"), tagsAll: { team: "platform" } },
            });
            assert.deepEqual(
                aws.proxy.calls.map((c) => c.operation),
                ["GetCallerIdentity", "ListTagsForResource"],
            );
        });

        it("check names a bad role ARN before any AWS call", async () => {
            aws.proxy.clear();
            const r = await provider.check!({} as Inputs, inputsFor({ assumeRole: { roleArn: "arn:aws:iam::1234:user/bob" } }));
            assert.deepEqual(r.failures, [
                {
                    property: "",
                    reason: 'assumeRole.roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/config-authorizer, got "arn:aws:iam::1234:user/bob"',
                },
            ]);
            assert.deepEqual(aws.proxy.calls, []);
        });

        it("a role that cannot be assumed fails naming the role, its account and the credentials it was assumed from", async () => {
            aws.proxy.inject((c) =>
                c.operation === "AssumeRole" && c.params?.RoleArn === roleIn(THIRD_ACCOUNT)
                    ? {
                          kind: "error",
                          status: 403,
                          code: "AccessDenied", // STS's code (Config's is AccessDeniedException)
                          message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: ${roleIn(THIRD_ACCOUNT)}`,
                      }
                    : undefined,
            );
            await assert.rejects(provider.create(viaRole(THIRD_ACCOUNT, { assumeRoleExternalId: EXTERNAL_ID })), (e: Error) => {
                assert.equal(
                    e.message,
                    `creating Config aggregation authorization (${arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, THIRD_ACCOUNT)}): ` +
                        `could not assume role ${roleIn(THIRD_ACCOUNT)} in account ${THIRD_ACCOUNT} from the AWS_ACCESS_KEY_ID environment variable ` +
                        `(AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: ${roleIn(THIRD_ACCOUNT)}). ` +
                        `Pulumi changed nothing. Check that the role exists, that its trust policy lets those credentials assume it (with the external ID, if it requires one), ` +
                        `and that they may call sts:AssumeRole on it.`,
                );
                assert.ok(!e.message.includes(EXTERNAL_ID));
                return true;
            });
            assert.deepEqual(aws.proxy.operations(), [], "no Config call");
            assert.deepEqual(await aws.listIn(THIRD_ACCOUNT, "eu-west-1"), []);
        });

        it("a role whose STS endpoint refuses the connection fails as a network failure, naming the role, not the trust policy", async () => {
            const port = await freePort(); // nothing listens there
            const saved = { ...process.env };
            delete process.env.AWS_ENDPOINT_URL;
            Object.assign(process.env, {
                AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.proxy.url,
                AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
                AWS_MAX_ATTEMPTS: "2",
            });
            newRun({});
            try {
                await assert.rejects(provider.create(viaRole(THIRD_ACCOUNT)), {
                    message:
                        `creating Config aggregation authorization (${arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, THIRD_ACCOUNT)}): ` +
                        `could not assume role ${roleIn(THIRD_ACCOUNT)} in account ${THIRD_ACCOUNT} from the AWS_ACCESS_KEY_ID environment variable: ` +
                        `could not reach AWS STS (region eu-west-1, endpoint http://127.0.0.1:${port}) after 2 attempts: ECONNREFUSED. ` +
                        `Check the network, the region, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if set. Pulumi changed nothing.`,
                });
                assert.deepEqual(aws.proxy.calls, [], "no Config call");
            } finally {
                process.env = saved;
                newRun({});
            }
            assert.deepEqual(await aws.listIn(THIRD_ACCOUNT, "eu-west-1"), []);
        });

        it("keys the send-rate limiter by account and region, whatever the credentials", () => {
            const aws = host.current().aws;
            const rateLimiter = (account: string, region: string) => aws.rateLimiter(account, region);
            const identity = (role: Parameters<typeof aws.identity>[0]) => aws.identity(role);
            assert.equal(rateLimiter(OTHER_ACCOUNT, "eu-west-1"), rateLimiter(OTHER_ACCOUNT, "eu-west-1"));
            assert.notEqual(rateLimiter(OTHER_ACCOUNT, "eu-west-1"), rateLimiter(THIRD_ACCOUNT, "eu-west-1"));
            assert.notEqual(rateLimiter(OTHER_ACCOUNT, "eu-west-1"), rateLimiter(OTHER_ACCOUNT, "us-west-2"));
            assert.notEqual(identity({ roleArn: roleIn(OTHER_ACCOUNT) }), identity({ roleArn: roleIn(OTHER_ACCOUNT, "b") }));
            assert.ok(!identity({ roleArn: roleIn(OTHER_ACCOUNT), externalId: EXTERNAL_ID }).includes(EXTERNAL_ID));
        });
    });

    describe("stack settings", () => {
        it("aws:accessKey/aws:secretKey/aws:token sign every call, over the environment's credentials", async () => {
            stackConfig({ "aws:accessKey": "AKIDSTACKCONFIG00001", "aws:secretKey": "stack-secret-key", "aws:token": "stack-token" });
            const { id } = await provider.create(inputsFor());
            assert.deepEqual([...new Set(aws.proxy.calls.map((c) => c.accessKeyId))], ["AKIDSTACKCONFIG00001"]);
            assert.equal(id, arnOf("eu-west-1"));
        });

        it("aws:assumeRoles are assumed in order, each from the previous one's credentials", async () => {
            stackConfig({
                "aws:assumeRoles": [
                    { roleArn: roleIn(OTHER_ACCOUNT, "hub"), sessionName: "hub-session" },
                    { roleArn: roleIn(THIRD_ACCOUNT, "spoke"), externalId: EXTERNAL_ID, duration: "1h" },
                ],
            });
            const { id } = await provider.create(inputsFor());
            assert.equal(id, arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, THIRD_ACCOUNT));
            const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole");
            assert.deepEqual(
                assumed.map((c) => [c.params?.RoleArn, c.params?.RoleSessionName, c.params?.DurationSeconds]),
                [
                    [roleIn(OTHER_ACCOUNT, "hub"), "hub-session", undefined],
                    [roleIn(THIRD_ACCOUNT, "spoke"), "pulumi-aws-config-aggregation", "3600"],
                ],
            );
            assert.equal(assumed[0].accessKeyId, CREDENTIALS_ENV.AWS_ACCESS_KEY_ID);
            assert.notEqual(
                assumed[1].accessKeyId,
                CREDENTIALS_ENV.AWS_ACCESS_KEY_ID,
                "the second role is assumed with the first one's credentials",
            );
            assert.deepEqual((await aws.listIn(THIRD_ACCOUNT, "eu-west-1")).length, 1);
            assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("a resource's assumeRole is assumed from the last of aws:assumeRoles", async () => {
            stackConfig({ "aws:assumeRoles": [{ roleArn: roleIn(OTHER_ACCOUNT, "hub") }] });
            await provider.create(viaRole(FOURTH_ACCOUNT));
            const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole").map((c) => c.params?.RoleArn);
            assert.deepEqual(assumed, [roleIn(OTHER_ACCOUNT, "hub"), roleIn(FOURTH_ACCOUNT)]);
            assert.deepEqual((await aws.listIn(FOURTH_ACCOUNT, "eu-west-1")).length, 1);
        });

        it("aws:allowedAccountIds refuses a create in another account before any Config call", async () => {
            stackConfig({ "aws:allowedAccountIds": [OTHER_ACCOUNT] });
            await assert.rejects(provider.create(inputsFor()), {
                message:
                    `creating Config aggregation authorization (an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1): ` +
                    `account ${SOURCE_ACCOUNT} is not in the aws:allowedAccountIds stack config (${OTHER_ACCOUNT}), and the credentials in use ` +
                    `(the AWS_ACCESS_KEY_ID environment variable) act in it. Pulumi changed nothing. ` +
                    `Use credentials (or an assumeRole) for an allowed account, or change the setting if this account is meant to be managed.`,
            });
            assert.deepEqual(aws.proxy.operations(), []);
            assert.deepEqual(await aws.list("eu-west-1"), []);
            // Through a role into an allowed account it goes ahead.
            await provider.create(viaRole(OTHER_ACCOUNT));
            assert.equal((await aws.listIn(OTHER_ACCOUNT, "eu-west-1")).length, 1);
        });

        it("aws:allowedAccountIds and aws:forbiddenAccountIds refuse updates and deletes; the authorization stays as it was", async () => {
            const { id, outs } = await provider.create(inputsFor());
            for (const config of [{ "aws:allowedAccountIds": [OTHER_ACCOUNT] }, { "aws:forbiddenAccountIds": [SOURCE_ACCOUNT] }]) {
                stackConfig(config);
                aws.proxy.clear();
                await assert.rejects(provider.update!(id, outs!, inputsFor({ tags: { team: "x" } })), (e: Error & { code?: string }) => {
                    assert.match(e.message, /^updating Config aggregation authorization .* Pulumi changed nothing\./);
                    return e.code === "AccountNotAllowed";
                });
                await assert.rejects(provider.delete!(id, outs!), (e: Error & { code?: string }) => e.code === "AccountNotAllowed");
                assert.deepEqual(aws.proxy.operations(), [], JSON.stringify(config));
                assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: created(OWNER_A) });
            }
        });

        it("aws:defaultTags go under the resource's tags (the resource wins), shown as tagsAll", async () => {
            stackConfig({ "aws:defaultTags": { tags: { "cost-center": "42", team: "default" } } });
            const { id, outs } = await provider.create(inputsFor());
            assert.deepEqual(outs!.tags, { team: "platform" });
            assert.deepEqual(outs!.tagsAll, { "cost-center": "42", team: "platform" });
            assert.deepEqual(await aws.tags("eu-west-1", id), { "cost-center": "42", team: "platform", [OWNER]: created(OWNER_A) });
            assert.deepEqual(await provider.diff!(id, outs!, inputsFor()), { changes: false, replaces: [] });

            // A change of the default tags alone is an in-place update.
            stackConfig({ "aws:defaultTags": { tags: { "cost-center": "43" } } });
            assert.deepEqual(await provider.diff!(id, outs!, inputsFor()), { changes: true, replaces: [] });
            const upd = await provider.update!(id, outs!, inputsFor());
            assert.deepEqual(upd.outs!.tagsAll, { "cost-center": "43", team: "platform" });
            assert.deepEqual(await aws.tags("eu-west-1", id), { "cost-center": "43", team: "platform", [OWNER]: created(OWNER_A) });
            const read = await provider.read!(id, upd.outs as Outputs);
            assert.deepEqual(read.props!.tags, { team: "platform" });
            assert.deepEqual(read.props!.tagsAll, { "cost-center": "43", team: "platform" });
        });

        it("check counts aws:defaultTags against the 49-tag limit", async () => {
            stackConfig({ "aws:defaultTags": { tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`d${i}`, "x"])) } });
            const tags = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`r${i}`, "y"]));
            const r = await provider.check!({} as Inputs, inputsFor({ tags }));
            assert.deepEqual(r.failures, [
                {
                    property: "",
                    reason: "tags with the stack's aws:defaultTags make 50 tags, but at most 49 are allowed (AWS allows 50; the owner tag takes one)",
                },
            ]);
            assert.deepEqual(aws.proxy.calls, []);
        });

        it("aws:ignoreTags keys are never managed and never shown", async () => {
            stackConfig({ "aws:ignoreTags": { keys: ["ops-note"], keyPrefixes: ["scanner:"] } });
            const { id, outs } = await provider.create(inputsFor({ tags: { team: "platform", "ops-note": "from program" } }));
            assert.deepEqual(
                await aws.tags("eu-west-1", id),
                { team: "platform", [OWNER]: created(OWNER_A) },
                "an ignored key is not written",
            );
            await aws.tagOutOfBand("eu-west-1", id, { "ops-note": "by hand", "scanner:last": "today" });
            const read = await provider.read!(id, outs);
            assert.deepEqual(read.props!.tags, { team: "platform" });
            assert.deepEqual(read.props!.tagsAll, { team: "platform" });
            await provider.update!(id, read.props as Outputs, inputsFor({ tags: { team: "security" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), {
                team: "security",
                "ops-note": "by hand",
                "scanner:last": "today",
                [OWNER]: created(OWNER_A),
            });
            await provider.delete!(id, read.props as Outputs);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("aws:profile chooses the credentials; aws:region is the source region of a lookup by key", async () => {
            stackConfig({ "aws:region": "eu-west-1" });
            const { id } = await provider.create(inputsFor({ tags: undefined }));
            const read = await provider.read!(`${AGGREGATOR_ACCOUNT}:us-east-1`);
            assert.equal(read.id, id);
        });

        it("a refused setting fails configure and every later operation of the provider, with no AWS call", async () => {
            const { id, outs } = await provider.create(inputsFor());
            aws.proxy.clear();
            const config = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k], require: () => "" } });
            const message =
                "configuring pulumi-aws-config-aggregation: aws:endpoints is not supported by pulumi-aws-config-aggregation " +
                "(it would change which account or endpoint is used): set AWS_ENDPOINT_URL_CONFIG_SERVICE / AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL) in the environment instead.";
            await assert.rejects(provider.configure!(config({ "aws:endpoints": "[]" })), { message });
            // Pulumi's host goes on using the provider for the next resources: none may run unconfigured.
            assert.deepEqual(await provider.check!({} as Inputs, inputsFor()), {
                inputs: inputsFor(),
                failures: [{ property: "", reason: message }],
            });
            await assert.rejects(provider.create(inputsFor({ region: "us-west-2" })), { message });
            await assert.rejects(provider.diff!(id, outs!, inputsFor()), { message });
            await assert.rejects(provider.read!(id, outs), { message });
            await assert.rejects(provider.update!(id, outs!, inputsFor({ tags: { team: "x" } })), { message });
            await assert.rejects(provider.delete!(id, outs!), { message });
            assert.deepEqual(aws.proxy.calls, []);
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: created(OWNER_A) });
            // Settings that are right configure it again.
            await provider.configure!(config({ "aws:region": "eu-west-1" }));
            assert.deepEqual((await provider.read!(id, outs)).id, id);
        });

        it("never puts a secret setting in a message", async () => {
            stackConfig({
                "aws:accessKey": "AKIDSTACKCONFIG00001",
                "aws:secretKey": "stack-secret-key",
                "aws:allowedAccountIds": [OTHER_ACCOUNT],
            });
            await assert.rejects(provider.create(inputsFor()), (e: Error) => {
                assert.match(e.message, /the aws:accessKey\/aws:secretKey stack config/);
                assert.ok(!e.message.includes("stack-secret-key") && !e.message.includes("AKIDSTACKCONFIG00001"), e.message);
                return true;
            });
        });
    });
});
