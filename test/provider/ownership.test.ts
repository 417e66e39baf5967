/**
 * The ownership promise on AWS's real semantics (issue "Ownership that holds"): each scenario ends
 * with the AWS state read back. The proxy behaves as AWS does where moto does not (aws-faithful.ts).
 */
import * as assert from "node:assert/strict";
import {
    ConfigServiceClient,
    PutAggregationAuthorizationCommand,
    TagResourceCommand,
    UntagResourceCommand,
    ListTagsForResourceCommand,
} from "@aws-sdk/client-config-service";
import { provider } from "../../provider";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, OWNER_A, SOURCE_ACCOUNT, arnOf, inputsFor, ownerFor, useAws, created } from "../harness/aws";
import { OWNER_TAG } from "../../provider/core/model/types";

const inputs = inputsFor;
const OWNER = OWNER_TAG;
const ARN = arnOf("eu-west-1");

/**
 * Waits until the clock is past the second of `time`. moto stamps creation times in whole seconds, so
 * an authorization deleted and created again within one second would show the same creation time; AWS
 * gives every creation its own (the ownership rules rely on it, provider/core/ownership.ts).
 */
async function afterSecondOf(time: string | Date): Promise<void> {
    const second = Math.floor(new Date(time).getTime() / 1000);
    while (Math.floor(Date.now() / 1000) <= second) await new Promise((r) => setTimeout(r, 50));
}

describe("ownership on AWS's semantics", function () {
    this.timeout(30000);
    const aws = useAws();

    describe("the account of the credentials", () => {
        it("refuses to read, update or delete with another account's credentials, and both authorizations stay", async () => {
            const { id, outs } = await provider.create(inputs());
            // The other account authorizes the same aggregator (an organization does this in every account).
            const theirs = await aws.inAccount(OTHER_ACCOUNT, async () => {
                await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { team: "theirs" });
                return (await aws.list("eu-west-1"))[0].AggregationAuthorizationArn!;
            });
            assert.equal(theirs, arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT));
            const wrong = (verb: string, nothing: string) =>
                `${verb} Config aggregation authorization (${id}): the credentials in use (the AWS_ACCESS_KEY_ID environment variable) ` +
                `belong to account ${OTHER_ACCOUNT}, but this authorization lives in account ${SOURCE_ACCOUNT}. ${nothing}: ` +
                `an authorization for the same aggregator in account ${OTHER_ACCOUNT} is a different one. ` +
                `Run with credentials for account ${SOURCE_ACCOUNT} (the aws:profile stack config or AWS_PROFILE).`;
            await aws.inAccount(OTHER_ACCOUNT, async () => {
                aws.proxy.clear();
                await assert.rejects(provider.read!(id, outs), { message: wrong("reading", "Pulumi read nothing and changed nothing") });
                await assert.rejects(provider.update!(id, outs!, inputs({ tags: { team: "x" } })), {
                    message: wrong("updating", "Pulumi changed nothing"),
                });
                await assert.rejects(provider.delete!(id, outs!), { message: wrong("deleting", "Pulumi changed nothing") });
                assert.deepEqual(aws.proxy.operations(), [], "no Config call at all");
                assert.deepEqual(await aws.tags("eu-west-1", theirs), { team: "theirs" });
            });
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: created(OWNER_A) }, "ours is untouched too");
        });
    });

    describe("creates racing", () => {
        for (const [who, tags, expected] of [
            [
                "another stack",
                { [OWNER]: ownerFor("a", "prod") },
                /the Pulumi resource organization\/proj\/prod\/a created it at the same moment/,
            ],
            [
                "AWS Control Tower",
                { "aws-control-tower": "managed-by-control-tower" },
                /someone outside Pulumi .* created it at the same moment/,
            ],
        ] as const) {
            it(`fails without recording a creation when ${who} creates it between the existence check and the Put`, async () => {
                aws.proxy.beforeForward = async (call) => {
                    if (call.operation !== "PutAggregationAuthorization") return;
                    aws.proxy.beforeForward = undefined;
                    await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", tags);
                };
                await assert.rejects(provider.create(inputs()), (e: Error & { id?: string }) => {
                    assert.match(e.message, expected);
                    assert.match(
                        e.message,
                        /AWS kept theirs \(it ignores the tags of a Put on an authorization that exists\)\. This resource does not manage it and recorded nothing\./,
                    );
                    assert.equal(e.id, undefined, "not a partial create: the state records nothing");
                    return true;
                });
                assert.deepEqual(await aws.tags("eu-west-1", ARN), tags, "theirs, with their tags only");
            });
        }

        it("lets exactly one of two resources of one stack with the same key have it", async () => {
            // Both Puts in flight at once, as when the engine creates two resources together.
            let arrived = 0;
            let release!: () => void;
            const both = new Promise<void>((r) => (release = r));
            aws.proxy.beforeForward = async (c) => {
                if (c.operation !== "PutAggregationAuthorization") return;
                if (++arrived === 2) release();
                await both;
            };
            const results = await Promise.allSettled([
                provider.create(inputs({ owner: ownerFor("first") })),
                provider.create(inputs({ owner: ownerFor("second") })),
            ]);
            const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
            assert.equal(won.length, 1, "one wins");
            const lost = results[1 - won[0]] as PromiseRejectedResult;
            assert.match(
                lost.reason.message,
                /If two resources of this program declare the same authorization \(same aggregator account and region, same source region\), remove one of them\./,
            );
            assert.deepEqual(await aws.tags("eu-west-1", ARN), {
                team: "platform",
                [OWNER]: created(ownerFor(won[0] === 0 ? "first" : "second")),
            });
        });
    });

    describe("deleted out of band and created again by someone else", () => {
        it("reads as gone, refuses updates, and delete leaves the new one", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
            await afterSecondOf(outs!.creationTime);
            const ct = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", {
                "aws-control-tower": "managed-by-control-tower",
            });
            assert.deepEqual(await provider.read!(id, outs), {}, "refresh drops it: the one there is not ours");
            await assert.rejects(provider.update!(id, outs!, inputs({ tags: { team: "x" } })), {
                message:
                    `updating Config aggregation authorization (${id}): this resource no longer owns the authorization: AWS holds another creation of it ` +
                    `(it carries no ${OWNER} tag, and its creation time is not the recorded ${outs!.creationTime}): the one this resource created was deleted, ` +
                    "and another made in its place. Pulumi changed nothing. " +
                    "Run `pulumi refresh` to drop it from this stack's state; the next `pulumi up` then says how to manage it.",
            });
            await provider.delete!(id, outs!);
            assert.deepEqual(await aws.list("eu-west-1"), [ct], "still there");
            assert.deepEqual(await aws.tags("eu-west-1", id), { "aws-control-tower": "managed-by-control-tower" });
        });

        it("reads as gone when another Pulumi resource created it again, and delete leaves that one", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
            await afterSecondOf(outs!.creationTime);
            const { outs: theirs } = await provider.create(inputs({ owner: ownerFor("a", "prod") }));
            assert.deepEqual(await provider.read!(id, outs), {});
            await provider.delete!(id, outs!);
            assert.deepEqual(await aws.rawTags("eu-west-1", id), {
                team: "platform",
                [OWNER]: `${ownerFor("a", "prod")} creation:${theirs!.creationId}`,
            });
        });

        it("reads as gone when the stack that once had this stack's name created it again under the same URN", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
            await afterSecondOf(outs!.creationTime);
            const { outs: theirs } = await provider.create(inputs()); // the same owner: only the creation differs
            assert.notEqual(theirs!.creationId, outs!.creationId);
            assert.deepEqual(await provider.read!(id, outs), {});
            await assert.rejects(provider.update!(id, outs!, inputs({ tags: { team: "x" } })), /AWS holds another creation of it/);
            await provider.delete!(id, outs!);
            assert.deepEqual(await aws.rawTags("eu-west-1", id), {
                team: "platform",
                [OWNER]: `${OWNER_A} creation:${theirs!.creationId}`,
            });
        });
    });

    describe("owner tag removed or edited by someone else", () => {
        for (const [how, change] of [
            ["removed", (id: string) => aws.untagOutOfBand("eu-west-1", id, [OWNER])],
            ["edited", (id: string) => aws.tagOutOfBand("eu-west-1", id, { [OWNER]: "cleaned-up" })],
        ] as const) {
            it(`proves it its own by the creation time when the tag was ${how}: refresh shows the owner missing, update writes it back, delete deletes it`, async () => {
                const { id, outs } = await provider.create(inputs());
                await change(id);
                aws.proxy.clear();
                const read = await provider.read!(id, outs);
                assert.deepEqual(
                    aws.proxy.operations(),
                    ["ListTagsForResource", "DescribeAggregationAuthorizations"],
                    "the tag could not answer",
                );
                assert.equal(read.props!.owner, undefined, "AWS does not hold this resource's owner tag");
                assert.equal(read.props!.creationId, outs!.creationId, "the creation is still this resource's");
                assert.equal(read.props!.creationTime, outs!.creationTime);
                const diff = await provider.diff!(id, read.props!, inputs());
                // The read's inputs lack the owner: the engine's diff of the inputs shows it written back (input-changes.ts).
                assert.deepEqual(diff, { changes: undefined, replaces: [] }, "the next up writes the tag back");
                const { outs: after } = await provider.update!(id, read.props!, inputs());
                assert.deepEqual(await aws.rawTags("eu-west-1", id), {
                    team: "platform",
                    [OWNER]: `${OWNER_A} creation:${outs!.creationId}`,
                });
                assert.equal(after!.owner, OWNER_A);

                await change(id);
                await provider.delete!(id, after!);
                assert.deepEqual(await aws.list("eu-west-1"), [], "destroy deletes it: provably this resource's creation");
            });
        }

        it("fails a delete loudly, naming the tag to restore, when the state records no creation time to prove it", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.untagOutOfBand("eu-west-1", id, [OWNER]);
            const unproven = { ...outs!, creationTime: "" };
            const message =
                `deleting Config aggregation authorization (${id}): cannot prove that this resource owns the authorization: it carries no ${OWNER} tag, ` +
                "and the state records no creation time to compare with AWS's. Pulumi changed nothing. If it is this resource's (its owner tag was removed or edited), " +
                `put the tag back (${OWNER}=${OWNER_A} creation:${outs!.creationId}) and run the command again; if it is not, drop it from this stack's state ` +
                "with `pulumi state delete <urn>` (`pulumi stack --show-urns` lists the URNs).";
            await assert.rejects(provider.delete!(id, unproven), { message });
            assert.equal((await aws.list("eu-west-1")).length, 1, "still there");
            await assert.rejects(provider.read!(id, unproven), { message: message.replace(/^deleting/, "reading") });
        });
    });

    describe("tags", () => {
        it("removes tag keys named like Object.prototype members", async () => {
            const tags = { constructor: "a", toString: "b", valueOf: "c", hasOwnProperty: "d" };
            const { id, outs } = await provider.create(inputs({ tags }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { ...tags, [OWNER]: created(OWNER_A) });
            const { outs: after } = await provider.update!(id, outs!, inputs({ tags: { valueOf: "c" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { valueOf: "c", [OWNER]: created(OWNER_A) });
            assert.deepEqual(after!.tags, { valueOf: "c" });
        });

        it("never touches aws: tags or tags someone else set on an adopted authorization", async () => {
            // Seeded straight into moto, as CloudFormation and Control Tower set them (users cannot).
            const theirs = { "aws:cloudformation:stack-name": "StackSet-AWSControlTower", "aws-control-tower": "managed-by-control-tower" };
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", theirs);
            const { id, outs } = await provider.create(inputs({ adoptExisting: true, tags: { team: "platform" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { ...theirs, team: "platform" });
            assert.deepEqual(outs!.tags, { team: "platform" });
            const read = await provider.read!(id, outs);
            assert.deepEqual(read.props!.tags, { team: "platform" }, "no drift shown for keys it does not manage");
            const { outs: after } = await provider.update!(id, read.props!, inputs({ adoptExisting: true, tags: {} }));
            assert.deepEqual(await aws.tags("eu-west-1", id), theirs);
            // A second up works too: nothing tries to remove what AWS refuses to remove.
            await provider.update!(id, after!, inputs({ adoptExisting: true, tags: { env: "prod" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { ...theirs, env: "prod" });
        });

        it("never removes aws: tags from its own authorization either", async () => {
            const { id, outs } = await provider.create(inputs());
            // AWS can add system tags to a resource; the test reaches moto directly to do so.
            await aws.tagOutOfBand("eu-west-1", id, { "aws:system": "x" });
            const read = await provider.read!(id, outs);
            assert.deepEqual(read.props!.tags, { team: "platform" });
            await provider.update!(id, read.props!, inputs({ tags: { team: "security" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { "aws:system": "x", team: "security", [OWNER]: created(OWNER_A) });
        });
    });

    describe("existence", () => {
        it("creates it when ListTagsForResource still answers for an authorization that is gone (AWS settling)", async () => {
            aws.proxy.inject((c, i) =>
                c.operation === "ListTagsForResource" && i <= 2
                    ? { kind: "answer", body: { Tags: [{ Key: "managed-by", Value: "control-tower" }] } }
                    : undefined,
            );
            const { id, outs } = await provider.create(inputs({ adoptExisting: true }));
            assert.equal(outs!.adopted, false, "it created it, so it is its own");
            assert.deepEqual(aws.proxy.operations(), [
                "ListTagsForResource",
                "DescribeAggregationAuthorizations",
                "PutAggregationAuthorization",
                "ListTagsForResource",
            ]);
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: created(OWNER_A) });
        });
    });

    describe("takeOwnership", () => {
        it("takes over an authorization made by Terraform or pulumi-aws: owner tag, tags follow the program, delete deletes it", async () => {
            const before = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { Name: "from-terraform", team: "old" });
            aws.proxy.clear();
            const { id, outs } = await provider.create(inputs({ takeOwnership: true }));
            assert.equal(outs!.adopted, false);
            assert.equal(outs!.creationTime, before.CreationTime!.toISOString(), "the same authorization, never deleted");
            assert.ok(!aws.proxy.operations().includes("DeleteAggregationAuthorization"));
            assert.deepEqual(
                await aws.tags("eu-west-1", id),
                { Name: "from-terraform", team: "platform", [OWNER]: created(OWNER_A) },
                "the declared key follows the program; the one it found and the program does not declare stays",
            );
            const { outs: after } = await provider.update!(id, outs!, inputs({ takeOwnership: true, tags: {} }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { Name: "from-terraform", [OWNER]: created(OWNER_A) });
            await provider.delete!(id, after!);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("never takes one that AWS Control Tower made unless told to, and then keeps Control Tower's tag", async () => {
            const ct = { "aws-control-tower": "managed-by-control-tower" };
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", ct);
            await assert.rejects(provider.create(inputs({ takeOwnership: true })), {
                message:
                    `creating Config aggregation authorization (${ARN}): an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region ` +
                    "eu-west-1 already exists and carries AWS Control Tower's aws-control-tower tag: Control Tower created it, its mandatory control " +
                    "AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY protects it, and AWS advises against changing what Control Tower created. " +
                    "takeOwnership does not take it. Pulumi changed nothing. To manage only your declared tags on it (destroy leaves it), use adoptExisting: true; " +
                    "to take it from Control Tower anyway (destroy then deletes it), also set takeOwnershipFromControlTower: true.",
            });
            assert.deepEqual(await aws.tags("eu-west-1", ARN), ct, "untouched");
            // Adopted first, then takeOwnership: refused the same way.
            const { id, outs } = await provider.create(inputs({ adoptExisting: true }));
            await assert.rejects(
                provider.update!(id, outs!, inputs({ takeOwnership: true })),
                /carries AWS Control Tower's aws-control-tower tag/,
            );
            assert.deepEqual(await aws.tags("eu-west-1", ARN), { ...ct, team: "platform" });
            const { outs: taken } = await provider.update!(id, outs!, inputs({ takeOwnership: true, takeOwnershipFromControlTower: true }));
            assert.deepEqual(await aws.tags("eu-west-1", ARN), { ...ct, team: "platform", [OWNER]: created(OWNER_A) });
            assert.equal(taken!.adopted, false);
            assert.equal(taken!.takenOver, true);
        });

        it("never takes one that another Pulumi resource manages", async () => {
            const { outs: theirs } = await provider.create(inputs({ owner: ownerFor("a", "prod") }));
            await assert.rejects(
                provider.create(inputs({ takeOwnership: true })),
                /managed by the Pulumi resource organization\/proj\/prod\/a/,
            );
            assert.deepEqual(await aws.rawTags("eu-west-1", ARN), {
                team: "platform",
                [OWNER]: `${ownerFor("a", "prod")} creation:${theirs!.creationId}`,
            });
        });

        it("applies to a resource's first create only, not to the new authorization of a replacement", async () => {
            const { id, outs } = await provider.create(inputs({ takeOwnership: true, authorizedAwsRegion: "eu-central-1" }));
            const made = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { Name: "someone-else" });
            const diff = await provider.diff!(id, outs!, inputs({ takeOwnership: true }));
            assert.deepEqual(diff.replaces, ["authorizedAwsRegion"]);
            await assert.rejects(
                provider.create(inputs({ takeOwnership: true })),
                /takeOwnership applies only to the first create of a resource \(a migration\), not to the new authorization of a replacement/,
            );
            assert.deepEqual(await aws.tags("eu-west-1", made.AggregationAuthorizationArn!), { Name: "someone-else" });
            // A new run (configure) forgets the replacements of the last one.
            await provider.configure!({ config: { get: () => undefined } } as never);
            assert.equal((await provider.check!({} as never, inputs({ takeOwnership: true }))).failures, undefined);
        });
    });

    describe("account", () => {
        it("fails a create whose credentials act in another account than sourceAccountId, before any Put", async () => {
            aws.proxy.clear();
            await assert.rejects(provider.create(inputs({ sourceAccountId: OTHER_ACCOUNT })), {
                message:
                    `creating Config aggregation authorization (an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1): ` +
                    `sourceAccountId is ${OTHER_ACCOUNT}, but the credentials in use (the AWS_ACCESS_KEY_ID environment variable) act in account ${SOURCE_ACCOUNT}: ` +
                    `the authorization would land in account ${SOURCE_ACCOUNT}, where an aggregator expecting account ${OTHER_ACCOUNT} would never find it. ` +
                    `Run with credentials for account ${OTHER_ACCOUNT}, or give the source an assumeRole in it. Pulumi changed nothing.`,
            });
            assert.deepEqual(aws.proxy.operations(), [], "no Config call");
            const check = await provider.check!({} as never, inputs({ sourceAccountId: OTHER_ACCOUNT }));
            assert.deepEqual(
                check.failures?.map((f) => f.reason),
                [
                    `sourceAccountId is ${OTHER_ACCOUNT}, but the credentials in use (the AWS_ACCESS_KEY_ID environment variable) act in account ${SOURCE_ACCOUNT}: ` +
                        `the authorization would land in account ${SOURCE_ACCOUNT}, where an aggregator expecting account ${OTHER_ACCOUNT} would never find it. ` +
                        `Run with credentials for account ${OTHER_ACCOUNT}, or give the source an assumeRole in it.`,
                ],
                "the preview fails too",
            );
            const ok = await provider.check!({} as never, inputs({ sourceAccountId: SOURCE_ACCOUNT }));
            assert.equal(ok.failures, undefined);
            const { outs } = await provider.create(inputs({ sourceAccountId: SOURCE_ACCOUNT }));
            assert.equal(outs!.accountId, SOURCE_ACCOUNT);
        });
    });

    describe("takeOwnership (more)", () => {
        it("turns an adopted authorization into its own", async () => {
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { Name: "x" });
            const { id, outs } = await provider.create(inputs({ adoptExisting: true }));
            const { outs: owned } = await provider.update!(id, outs!, inputs({ takeOwnership: true }));
            assert.equal(owned!.adopted, false);
            assert.deepEqual(
                await aws.tags("eu-west-1", id),
                { Name: "x", team: "platform", [OWNER]: created(OWNER_A) },
                "the tag it found stays",
            );
            await provider.delete!(id, owned!);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });
    });

    describe("state written by 0.1.0", () => {
        it("recognises its old owner tag, and moves it to the new owner on the next up", async () => {
            const legacy = "proj/dev/a";
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { [OWNER]: legacy, team: "platform" });
            const state = (
                await provider.read!(ARN, { ...inputs({ owner: legacy }), arn: ARN, accountId: SOURCE_ACCOUNT, creationTime: "x" } as never)
            ).props!;
            assert.equal(state.owner, legacy, "read keeps it: it is this resource's");
            const { outs } = await provider.update!(ARN, state, inputs());
            assert.equal(outs!.owner, OWNER_A);
            assert.deepEqual(await aws.tags("eu-west-1", ARN), { team: "platform", [OWNER]: created(OWNER_A) });
            await provider.delete!(ARN, outs!);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });
    });

    describe("the AWS behaviours the test proxy adds to moto", () => {
        const client = () =>
            new ConfigServiceClient({
                region: "eu-west-1",
                endpoint: aws.proxy.url,
                credentials: { accessKeyId: "AKIDTESTINGONLY00000", secretAccessKey: "x" },
                maxAttempts: 1,
            });
        const put = (tags: Record<string, string>) =>
            client().send(
                new PutAggregationAuthorizationCommand({
                    AuthorizedAccountId: AGGREGATOR_ACCOUNT,
                    AuthorizedAwsRegion: "us-east-1",
                    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
                }),
            );

        it("keeps the tags on a repeated Put", async () => {
            await put({ first: "1" });
            await put({ second: "2" });
            assert.deepEqual(await aws.tags("eu-west-1", ARN), { first: "1" });
        });

        it("refuses to add or remove aws: keys", async () => {
            await put({});
            await assert.rejects(client().send(new TagResourceCommand({ ResourceArn: ARN, Tags: [{ Key: "aws:x", Value: "1" }] })), {
                name: "ValidationException",
            });
            await aws.tagOutOfBand("eu-west-1", ARN, { "aws:x": "1" });
            await assert.rejects(client().send(new UntagResourceCommand({ ResourceArn: ARN, TagKeys: ["AWS:x"] })), {
                name: "ValidationException",
            });
            assert.deepEqual(await aws.tags("eu-west-1", ARN), { "aws:x": "1" });
        });

        it("caps an authorization at 50 tags, not counting aws: ones", async () => {
            await put(Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"])));
            await aws.tagOutOfBand("eu-west-1", ARN, { "aws:x": "1" });
            await client().send(new TagResourceCommand({ ResourceArn: ARN, Tags: [{ Key: "k49", Value: "v" }] }));
            await assert.rejects(client().send(new TagResourceCommand({ ResourceArn: ARN, Tags: [{ Key: "k50", Value: "v" }] })), {
                name: "TooManyTagsException",
            });
            assert.equal(Object.keys(await aws.tags("eu-west-1", ARN)).length, 51);
        });

        it("never shows another account's authorization", async () => {
            await put({ mine: "1" });
            await aws.inAccount(OTHER_ACCOUNT, async () => {
                await assert.rejects(
                    provider.read!(ARN, undefined),
                    /belong to account 444455556666, but this authorization lives in account 123456789012/,
                );
            });
            const other = new ConfigServiceClient({
                region: "eu-west-1",
                endpoint: aws.proxy.url,
                credentials: { accessKeyId: "x", secretAccessKey: "x" },
                maxAttempts: 1,
            });
            other.middlewareStack.add(
                (next) => (args) => {
                    (args.request as { headers: Record<string, string> }).headers["x-moto-account-id"] = OTHER_ACCOUNT;
                    return next(args);
                },
                { step: "build" },
            );
            await assert.rejects(other.send(new ListTagsForResourceCommand({ ResourceArn: ARN })), { name: "ResourceNotFoundException" });
        });
    });
});
