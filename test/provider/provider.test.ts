import * as assert from "node:assert/strict";
import { INPUTS_KEY, inputsDigest } from "../../provider/core/input-changes";
import { provider } from "../../provider";
import type { Outputs } from "../../provider/core/model/types";
import { faults } from "../harness/proxy";
import { AGGREGATOR_ACCOUNT, OWNER_A, SOURCE_ACCOUNT, useAws, arnOf, inputsFor, ownerFor, created } from "../harness/aws";
import { OWNER_TAG } from "../../provider/core/model/types";

const OWNER = OWNER_TAG;

const inputs = inputsFor;

/** What a refresh reads back for a resource in state: its outputs, and the same as the next diff's inputs. */
/** What a read returns for `outs`: the outputs, with the digest of the inputs it returns beside them. */
function refreshed(id: string, outs: Outputs | undefined) {
    const { creationTime: _c, adopted: _a, creationId: _i, [INPUTS_KEY]: _d, ...asInputs } = outs as Outputs & { [INPUTS_KEY]?: string };
    return { id, props: { ...outs, [INPUTS_KEY]: inputsDigest(asInputs) }, inputs: asInputs };
}

describe("provider against moto", function () {
    this.timeout(30000);
    const aws = useAws();

    describe("basic", () => {
        it("creates the authorization and reads back ARN, source account, source region, tags and creation time", async () => {
            const before = Date.now();
            const { id, outs } = await provider.create(inputs());
            const arn = arnOf("eu-west-1");
            assert.equal(id, arn);
            assert.match(outs!.creationId!, /^[0-9a-f]{16}$/, "a new creation ID");
            assert.deepEqual(
                { ...outs, creationTime: undefined },
                {
                    authorizedAccountId: AGGREGATOR_ACCOUNT,
                    authorizedAwsRegion: "us-east-1",
                    region: "eu-west-1",
                    tags: { team: "platform" },
                    tagsAll: { team: "platform" },
                    owner: OWNER_A,
                    arn,
                    accountId: SOURCE_ACCOUNT,
                    creationTime: undefined,
                    adopted: false,
                    creationId: outs!.creationId,
                    [INPUTS_KEY]: inputsDigest(inputs()),
                },
            );
            assert.deepEqual(
                await aws.rawTags("eu-west-1", arn),
                { team: "platform", [OWNER]: `${OWNER_A} creation:${outs!.creationId}` },
                "the owner tag names this creation",
            );
            // Read back through the AWS SDK, independently of the provider.
            const listed = await aws.list("eu-west-1");
            assert.equal(listed.length, 1);
            assert.equal(listed[0].AggregationAuthorizationArn, arn);
            assert.equal(listed[0].AuthorizedAccountId, AGGREGATOR_ACCOUNT);
            assert.equal(listed[0].AuthorizedAwsRegion, "us-east-1");
            assert.equal(outs!.creationTime, listed[0].CreationTime!.toISOString());
            assert.ok(Math.abs(Date.parse(outs!.creationTime) - before) < 60000, "creation time is now");
            assert.deepEqual(await aws.tags("eu-west-1", arn), { team: "platform", [OWNER]: created(OWNER_A) });
            assert.deepEqual(await aws.list("us-east-1"), [], "nothing in other regions");
        });

        it("creates with an existence check, a Put and an owner check, and reads with one ListTagsForResource", async () => {
            const { id, outs } = await provider.create(inputs());
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "PutAggregationAuthorization", "ListTagsForResource"]);
            assert.deepEqual(aws.proxy.operations("sts"), ["GetCallerIdentity"]);
            aws.proxy.clear();
            const read = await provider.read!(id, outs);
            assert.deepEqual(read, refreshed(id, outs));
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"]);
            assert.deepEqual(aws.proxy.operations("sts"), [], "the account is asked once per region and process");
        });

        it("reads by the account:region key with the creation time when there are no props", async () => {
            const { id, outs } = await provider.create(inputs({ tags: undefined }));
            process.env.AWS_REGION = "eu-west-1";
            try {
                const read = await provider.read!(`${AGGREGATOR_ACCOUNT}:us-east-1`);
                const {
                    owner: _owner,
                    creationId: _creation,
                    [INPUTS_KEY]: _digest,
                    ...unowned
                } = outs as typeof outs & { [INPUTS_KEY]?: string };
                assert.deepEqual(read, { id, props: unowned }, "a lookup without state has no owner and no creation");
            } finally {
                delete process.env.AWS_REGION;
            }
        });
    });

    describe("get", () => {
        it("fails, naming what was looked up where, when the authorization does not exist", async () => {
            await assert.rejects(provider.read!(arnOf("eu-west-1"), { region: "eu-west-1" } as Outputs), {
                message:
                    `reading Config aggregation authorization (${arnOf("eu-west-1")}): no such authorization in account ${SOURCE_ACCOUNT}, source region eu-west-1. ` +
                    "Check the ID (an ARN, or authorizedAccountId:authorizedAwsRegion looked up in the region argument of get) and the credentials.",
            });
            await assert.rejects(provider.read!(`${AGGREGATOR_ACCOUNT}:us-east-1`, { region: "eu-west-1" } as Outputs), {
                message:
                    `reading Config aggregation authorization (${AGGREGATOR_ACCOUNT}:us-east-1): no such authorization in source region eu-west-1 of the account of the credentials in use ` +
                    "(the AWS_ACCESS_KEY_ID environment variable). Check the ID (an ARN, or authorizedAccountId:authorizedAwsRegion looked up in the region argument of get) and the credentials.",
            });
        });

        it("finds an authorization by key past the first page through the SDK's paginator, and reads every page before saying it is not there", async () => {
            // 130 authorizations in one region: DescribeAggregationAuthorizations answers 100 a page at most
            // (the API model's Limit), sorted by key on moto, so the one looked up is on the second page.
            const accounts = Array.from({ length: 130 }, (_, i) => String(100000000000 + i));
            for (const account of accounts) await aws.putOutOfBand("eu-west-1", account, "us-east-1");
            const last = await aws.putOutOfBand("eu-west-1", "999999999999", "us-east-1");
            aws.proxy.clear();
            const read = await provider.read!("999999999999:us-east-1", { region: "eu-west-1" } as Outputs);
            assert.equal(read.id, last.AggregationAuthorizationArn);
            const describes = aws.proxy.calls.filter((c) => c.operation === "DescribeAggregationAuthorizations").map((c) => c.body);
            assert.equal(describes.length, 2);
            assert.deepEqual(describes[0], { Limit: 100 });
            assert.deepEqual(Object.keys(describes[1]!).sort(), ["Limit", "NextToken"]);

            aws.proxy.clear();
            await assert.rejects(provider.read!("999999999998:us-east-1", { region: "eu-west-1" } as Outputs), /no such authorization/);
            assert.equal(aws.proxy.operations().filter((o) => o === "DescribeAggregationAuthorizations").length, 2);

            // A page's request fails as a single call does: translated, naming the action.
            aws.proxy.inject((c) => (c.body?.NextToken ? faults.accessDenied("config:DescribeAggregationAuthorizations") : undefined));
            await assert.rejects(provider.read!("999999999999:us-east-1", { region: "eu-west-1" } as Outputs), (e: Error) => {
                assert.match(
                    e.message,
                    /^reading Config aggregation authorization \(999999999999:us-east-1\): access denied to config:DescribeAggregationAuthorizations /,
                );
                return true;
            });
        });
    });

    describe("check", () => {
        it("gives a new authorization the ARN and source account it will have, so previews of dependents know them, and reads it once by ARN", async () => {
            const result = await provider.check!({} as never, inputs());
            assert.deepEqual(result.inputs, {
                ...inputs(),
                arn: arnOf("eu-west-1"),
                accountId: SOURCE_ACCOUNT,
                tagsAll: { team: "platform" },
            });
            assert.deepEqual(aws.proxy.operations("sts"), ["GetCallerIdentity"]);
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "one Config call: does it exist already?");
        });
    });

    describe("tags", () => {
        it("adds, changes and removes tags in place with only Tag/UntagResource", async () => {
            const { id, outs } = await provider.create(inputs({ tags: { team: "platform", env: "dev" } }));
            aws.proxy.clear();

            const step1 = await provider.update!(id, outs!, inputs({ tags: { team: "platform", env: "dev", owner: "ops" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", env: "dev", owner: "ops", [OWNER]: created(OWNER_A) });
            const step2 = await provider.update!(id, step1.outs!, inputs({ tags: { team: "security", env: "dev", owner: "ops" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "security", env: "dev", owner: "ops", [OWNER]: created(OWNER_A) });
            const step3 = await provider.update!(id, step2.outs!, inputs({ tags: { team: "security" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "security", [OWNER]: created(OWNER_A) });
            assert.deepEqual(step3.outs!.tags, { team: "security" });

            // Each update reads the tags AWS holds first (is it still ours?), then changes only the difference.
            assert.deepEqual(aws.proxy.operations(), [
                "ListTagsForResource",
                "TagResource",
                "ListTagsForResource",
                "TagResource",
                "ListTagsForResource",
                "UntagResource",
            ]);
            assert.deepEqual(
                aws.proxy.calls.filter((c) => ["TagResource", "UntagResource"].includes(c.operation)).map((c) => c.body),
                [
                    { ResourceArn: id, Tags: [{ Key: "owner", Value: "ops" }] },
                    { ResourceArn: id, Tags: [{ Key: "team", Value: "security" }] },
                    { ResourceArn: id, TagKeys: ["env", "owner"] },
                ],
            );
            assert.equal((await aws.list("eu-west-1"))[0].CreationTime!.toISOString(), outs!.creationTime, "same authorization");
        });

        it("says what to do when AWS's 50-tag limit is reached by tags set outside the program", async () => {
            const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
            const { id, outs } = await provider.create(inputs({ tags: many }));
            await aws.tagOutOfBand("eu-west-1", id, { "set-by-hand": "x" });
            await assert.rejects(provider.update!(id, outs!, inputs({ tags: { ...many, k0: "changed", extra: "y" } })), (e: Error) => {
                assert.match(
                    e.message,
                    /^updating Config aggregation authorization \(arn:[^)]+\): AWS allows at most 50 tags on an authorization, counting those it has \(TooManyTagsException\)/,
                );
                assert.match(e.message, /Tags set outside the program count too: remove some, then run the command again\.$/);
                return true;
            });
        });

        it("removes every tag when the tags input goes away", async () => {
            const { id, outs } = await provider.create(inputs({ tags: { a: "1", b: "2" } }));
            const { outs: after } = await provider.update!(id, outs!, inputs({ tags: undefined }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { [OWNER]: created(OWNER_A) }, "the owner tag stays");
            assert.deepEqual(after!.tags, {});
        });

        it("reports out-of-band tag changes on read", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.tagOutOfBand("eu-west-1", id, { intruder: "yes" });
            const read = await provider.read!(id, outs);
            assert.deepEqual(read.props!.tags, { team: "platform", intruder: "yes" });
        });
    });

    describe("disappears", () => {
        it("reports an authorization deleted out of band as gone, after confirming by key", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
            aws.proxy.clear();
            assert.deepEqual(await provider.read!(id, outs), {});
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "DescribeAggregationAuthorizations"]);
        });

        it("says to run pulumi refresh when a tag update meets a vanished authorization", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
            await assert.rejects(provider.update!(id, outs!, inputs({ tags: { team: "x" } })), {
                message:
                    `updating Config aggregation authorization (${id}): the authorization no longer exists in AWS (ResourceNotFoundException): ` +
                    "it was deleted outside Pulumi. Run `pulumi refresh` to drop it from the state, then `pulumi up` to create it again.",
            });
        });

        it("keeps the recorded tags when ListTagsForResource misses an authorization the key lookup finds", async () => {
            const { id, outs } = await provider.create(inputs({ tags: { team: "platform", env: "prod" } }));
            aws.proxy.clear();
            aws.proxy.inject((c) =>
                c.operation === "ListTagsForResource" ? faults.notFound(`ResourceArn '${id}' does not exist`) : undefined,
            );
            const read = await provider.read!(id, outs);
            assert.deepEqual(read, refreshed(id, outs));
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "DescribeAggregationAuthorizations"]);
        });
    });

    describe("delete", () => {
        it("deletes the authorization, and a second delete succeeds", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "eu-central-1"); // a neighbour that must survive
            aws.proxy.clear();
            await provider.delete!(id, outs!);
            assert.deepEqual(
                aws.proxy.operations(),
                ["ListTagsForResource", "DeleteAggregationAuthorization"],
                "is it still ours? then delete",
            );
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.AuthorizedAwsRegion),
                ["eu-central-1"],
            );
            await provider.delete!(id, outs!);
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.AuthorizedAwsRegion),
                ["eu-central-1"],
            );
        });
    });

    describe("existing", () => {
        it("refuses to take over an authorization created outside the program, and changes nothing", async () => {
            const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "managed-by": "control-tower" });
            aws.proxy.clear();
            const arn = arnOf("eu-west-1");
            await assert.rejects(provider.create(inputs()), {
                message:
                    `creating Config aggregation authorization (${arn}): an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 ` +
                    "in source region eu-west-1 already exists, created outside Pulumi (AWS Control Tower, another tool or a person). Pulumi changed nothing. " +
                    "To manage its tags from this resource, set adoptExisting: true (destroy then leaves it in place); otherwise remove this resource from the program. " +
                    'If you are moving it from pulumi-aws or Terraform to this package, follow docs/migration.md, "Migrating from pulumi-aws or Terraform".',
            });
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "no write call");
            assert.deepEqual(await aws.list("eu-west-1"), [existing]);
            assert.deepEqual(await aws.tags("eu-west-1", arn), { "managed-by": "control-tower" });
        });

        it("marks what it creates with the owner tag, and keeps it out of the tags output", async () => {
            const { id, outs } = await provider.create(inputs());
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: created(OWNER_A) });
            assert.deepEqual(outs!.tags, { team: "platform" });
            assert.equal(outs!.owner, OWNER_A);
            assert.deepEqual((await provider.read!(id, outs)).props!.tags, { team: "platform" });
            const { outs: updated } = await provider.update!(id, outs!, inputs({ tags: {} }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { [OWNER]: created(OWNER_A) }, "removing every tag keeps the owner tag");
            assert.deepEqual(updated!.tags, {});
        });

        it("refuses one carrying its own owner but another creation, naming the reclaim command; reclaims it once told, as a new creation", async () => {
            // What an up killed after AWS created it leaves (and what a stack once named like this one leaves).
            const earlier = "0123456789abcdef";
            const before = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", {
                [OWNER]: `${OWNER_A} creation:${earlier}`,
                stale: "1",
            });
            const arn = arnOf("eu-west-1");
            await assert.rejects(provider.create(inputs()), {
                message:
                    `creating Config aggregation authorization (${arn}): an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 in source region eu-west-1 ` +
                    `already exists and carries this resource's owner tag (organization/proj/dev/a, creation ${earlier}), but this stack's state records no such creation. ` +
                    "Pulumi changed nothing. Either an interrupted `pulumi up` of this stack created it (Pulumi then warned of a pending operation, " +
                    '"interrupted while creating", for this resource), or another stack that had this stack\'s name did (`pulumi stack rename`, ' +
                    "or a stack removed without destroying it), or a replacement ran with deleteBeforeReplace: false. " +
                    `If it is this stack's interrupted create, reclaim it once: \`PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=${arn} pulumi up\`. ` +
                    "If another stack holds it, run `pulumi up` there first (its owner tag then names it), or remove this resource from this program.",
            });
            assert.deepEqual(await aws.rawTags("eu-west-1", arn), { [OWNER]: `${OWNER_A} creation:${earlier}`, stale: "1" }, "untouched");

            process.env.PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM = `arn:aws:config:us-west-2:${SOURCE_ACCOUNT}:other, ${arn}`;
            try {
                const { id, outs } = await provider.create(inputs());
                assert.equal(outs!.adopted, false, "its own, so destroy deletes it");
                assert.equal(outs!.creationTime, before.CreationTime!.toISOString(), "the same authorization, never deleted");
                assert.notEqual(outs!.creationId, earlier);
                assert.deepEqual(await aws.rawTags("eu-west-1", id), {
                    team: "platform",
                    [OWNER]: `${OWNER_A} creation:${outs!.creationId}`,
                });
                await provider.delete!(id, outs!);
                assert.deepEqual(await aws.list("eu-west-1"), []);
            } finally {
                delete process.env.PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM;
            }
        });

        it("names the resource and the stack that own it when another stack created it, and suggests only safe steps", async () => {
            const prod = ownerFor("a", "prod");
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { [OWNER]: prod });
            await assert.rejects(provider.create(inputs({ adoptExisting: true })), {
                message:
                    `creating Config aggregation authorization (${arnOf("eu-west-1")}): an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 ` +
                    "in source region eu-west-1 already exists, managed by the Pulumi resource organization/proj/prod/a (its pulumi-aws-config-aggregation:owner tag). " +
                    "Pulumi changed nothing. Two stacks cannot both manage it. To move it into this stack, move the resource's state with `pulumi state move` " +
                    "(its recorded creation moves with it) and its declaration with it; takeOwnership does not take an authorization that another stack's resource manages. " +
                    "adoptExisting does not apply to authorizations that a Pulumi resource manages.",
            });
            await assert.rejects(
                provider.create(inputs({ takeOwnership: true })),
                /managed by the Pulumi resource organization\/proj\/prod\/a/,
            );
            assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { [OWNER]: prod });
        });

        it("suggests an alias, never adoptExisting, when a resource of the same stack under another name owns it", async () => {
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { [OWNER]: ownerFor("old-name") });
            for (const over of [{}, { adoptExisting: true }]) {
                await assert.rejects(provider.create(inputs({ owner: ownerFor("new-name"), ...over })), (e: Error) => {
                    assert.match(
                        e.message,
                        /managed by the Pulumi resource organization\/proj\/dev\/old-name \(its pulumi-aws-config-aggregation:owner tag\)\. Pulumi changed nothing\. organization\/proj\/dev\/old-name is in this stack\. If you renamed that resource or moved it into or out of a component, give this one an alias for its old name and parent \(aliases: \[\{ name: "old-name" \}\] for a rename\) so that Pulumi keeps the same authorization\. If two resources of this program declare the same authorization/,
                    );
                    assert.doesNotMatch(e.message, /set adoptExisting: true/);
                    return true;
                });
            }
            assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { [OWNER]: ownerFor("old-name") }, "unchanged");
        });

        it("adopts with adoptExisting: only the declared keys are managed, and delete leaves it in place", async () => {
            const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", {
                "managed-by": "control-tower",
                team: "old",
            });
            const { id, outs } = await provider.create(inputs({ adoptExisting: true }));
            assert.equal(outs!.adopted, true);
            assert.equal(outs!.creationTime, existing.CreationTime!.toISOString());
            assert.deepEqual(outs!.tags, { team: "platform" });
            assert.deepEqual(await aws.tags("eu-west-1", id), { "managed-by": "control-tower", team: "platform" });
            const { outs: after } = await provider.update!(id, outs!, inputs({ adoptExisting: true, tags: { env: "prod" } }));
            assert.deepEqual(
                await aws.tags("eu-west-1", id),
                { "managed-by": "control-tower", team: "platform", env: "prod" },
                "someone else's kept, a key it held before adoption left as it is once no longer declared, no owner tag written",
            );
            assert.deepEqual((await provider.read!(id, after)).props!.tags, { env: "prod" }, "read shows only the managed keys");
            await provider.delete!(id, after!);
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.AggregationAuthorizationArn),
                [id],
                "destroy leaves it",
            );
        });
    });

    describe("regions", () => {
        it("authorizes the same aggregator from two source regions as two live resources", async () => {
            const a = await provider.create(inputs({ region: "eu-west-1" }));
            const b = await provider.create(inputs({ region: "ap-southeast-2" }));
            assert.equal(a.id, arnOf("eu-west-1"));
            assert.equal(b.id, arnOf("ap-southeast-2"));
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((x) => x.AggregationAuthorizationArn),
                [a.id],
            );
            assert.deepEqual(
                (await aws.list("ap-southeast-2")).map((x) => x.AggregationAuthorizationArn),
                [b.id],
            );
            assert.deepEqual(
                aws.proxy.calls.filter((c) => c.operation === "PutAggregationAuthorization").map((c) => c.region),
                ["eu-west-1", "ap-southeast-2"],
            );
            assert.deepEqual(await provider.read!(a.id, a.outs as Outputs), refreshed(a.id, a.outs as Outputs));
            assert.deepEqual(await provider.read!(b.id, b.outs as Outputs), refreshed(b.id, b.outs as Outputs));
        });
    });
});
