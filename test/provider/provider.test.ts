import * as assert from "node:assert/strict";
import { provider } from "../../provider/provider";
import type { Outputs } from "../../provider/types";
import { faults } from "../harness/proxy";
import { AGGREGATOR_ACCOUNT, SOURCE_ACCOUNT, useAws, arnOf, inputsFor } from "../harness/aws";

const inputs = inputsFor;

describe("provider against moto", function () {
    this.timeout(30000);
    const aws = useAws();

    describe("basic", () => {
        it("creates the authorization and reads back ARN, source account, source region, tags and creation time", async () => {
            const before = Date.now();
            const { id, outs } = await provider.create(inputs());
            const arn = arnOf("eu-west-1");
            assert.equal(id, arn);
            assert.deepEqual(
                { ...outs, creationTime: undefined },
                {
                    authorizedAccountId: AGGREGATOR_ACCOUNT,
                    authorizedAwsRegion: "us-east-1",
                    region: "eu-west-1",
                    tags: { team: "platform" },
                    arn,
                    accountId: SOURCE_ACCOUNT,
                    creationTime: undefined,
                },
            );
            // Read back through the AWS SDK, independently of the provider.
            const listed = await aws.list("eu-west-1");
            assert.equal(listed.length, 1);
            assert.equal(listed[0].AggregationAuthorizationArn, arn);
            assert.equal(listed[0].AuthorizedAccountId, AGGREGATOR_ACCOUNT);
            assert.equal(listed[0].AuthorizedAwsRegion, "us-east-1");
            assert.equal(outs!.creationTime, listed[0].CreationTime!.toISOString());
            assert.ok(Math.abs(Date.parse(outs!.creationTime) - before) < 60000, "creation time is now");
            assert.deepEqual(await aws.tags("eu-west-1", arn), { team: "platform" });
            assert.deepEqual(await aws.list("us-east-1"), [], "nothing in other regions");
        });

        it("creates with one existence check and one Put, and reads with one ListTagsForResource", async () => {
            const { id, outs } = await provider.create(inputs());
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "PutAggregationAuthorization"]);
            aws.proxy.clear();
            const read = await provider.read!(id, outs);
            assert.deepEqual(read, { id, props: outs });
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"]);
        });

        it("reads by the account:region key with the creation time when there are no props", async () => {
            const { id, outs } = await provider.create(inputs({ tags: undefined }));
            process.env.AWS_REGION = "eu-west-1";
            try {
                const read = await provider.read!(`${AGGREGATOR_ACCOUNT}:us-east-1`);
                assert.deepEqual(read, { id, props: outs });
            } finally {
                delete process.env.AWS_REGION;
            }
        });
    });

    describe("tags", () => {
        it("adds, changes and removes tags in place with only Tag/UntagResource", async () => {
            const { id, outs } = await provider.create(inputs({ tags: { team: "platform", env: "dev" } }));
            aws.proxy.clear();

            const step1 = await provider.update!(id, outs!, inputs({ tags: { team: "platform", env: "dev", owner: "ops" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", env: "dev", owner: "ops" });
            const step2 = await provider.update!(id, step1.outs!, inputs({ tags: { team: "security", env: "dev", owner: "ops" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "security", env: "dev", owner: "ops" });
            const step3 = await provider.update!(id, step2.outs!, inputs({ tags: { team: "security" } }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "security" });
            assert.deepEqual(step3.outs!.tags, { team: "security" });

            assert.deepEqual(aws.proxy.operations(), ["TagResource", "TagResource", "UntagResource"]);
            assert.deepEqual(
                aws.proxy.calls.map((c) => c.body),
                [
                    { ResourceArn: id, Tags: [{ Key: "owner", Value: "ops" }] },
                    { ResourceArn: id, Tags: [{ Key: "team", Value: "security" }] },
                    { ResourceArn: id, TagKeys: ["env", "owner"] },
                ],
            );
            assert.equal((await aws.list("eu-west-1"))[0].CreationTime!.toISOString(), outs!.creationTime, "same authorization");
        });

        it("removes every tag when the tags input goes away", async () => {
            const { id, outs } = await provider.create(inputs({ tags: { a: "1", b: "2" } }));
            const { outs: after } = await provider.update!(id, outs!, inputs({ tags: undefined }));
            assert.deepEqual(await aws.tags("eu-west-1", id), {});
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
            const { id, outs } = await provider.create(inputs({ owner: "proj/dev/a", tags: { team: "platform", env: "prod" } }));
            aws.proxy.clear();
            aws.proxy.inject((c) =>
                c.operation === "ListTagsForResource" ? faults.notFound(`ResourceArn '${id}' does not exist`) : undefined,
            );
            const read = await provider.read!(id, outs);
            assert.deepEqual(read, { id, props: outs });
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "DescribeAggregationAuthorizations"]);
        });
    });

    describe("delete", () => {
        it("deletes the authorization, and a second delete succeeds", async () => {
            const { id, outs } = await provider.create(inputs());
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "eu-central-1"); // a neighbour that must survive
            aws.proxy.clear();
            await provider.delete!(id, outs!);
            assert.deepEqual(aws.proxy.operations(), ["DeleteAggregationAuthorization"]);
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
        const OWNER = "pulumi-aws-config-aggregation:owner";

        it("refuses to take over an authorization created outside the program, and changes nothing", async () => {
            const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "managed-by": "control-tower" });
            aws.proxy.clear();
            const arn = arnOf("eu-west-1");
            await assert.rejects(provider.create(inputs({ owner: "proj/dev/a" })), {
                message:
                    `creating Config aggregation authorization (${arn}): an authorization for aggregator account ${AGGREGATOR_ACCOUNT} in us-east-1 already exists ` +
                    "in source region eu-west-1, created outside this Pulumi stack (AWS Control Tower, another tool or a person). Pulumi changed nothing. " +
                    "To manage it from this resource anyway, set adoptExisting: true (its tags then follow the program; destroy leaves it in place); " +
                    "otherwise remove this resource from the program.",
            });
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "no write call");
            assert.deepEqual(await aws.list("eu-west-1"), [existing]);
            assert.deepEqual(await aws.tags("eu-west-1", arn), { "managed-by": "control-tower" });
        });

        it("marks what it creates with the owner tag, and keeps it out of the tags output", async () => {
            const { id, outs } = await provider.create(inputs({ owner: "proj/dev/a" }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: "proj/dev/a" });
            assert.deepEqual(outs!.tags, { team: "platform" });
            assert.equal(outs!.owner, "proj/dev/a");
            assert.deepEqual((await provider.read!(id, outs)).props!.tags, { team: "platform" });
            const { outs: updated } = await provider.update!(id, outs!, inputs({ owner: "proj/dev/a", tags: {} }));
            assert.deepEqual(await aws.tags("eu-west-1", id), { [OWNER]: "proj/dev/a" }, "removing every tag keeps the owner tag");
            assert.deepEqual(updated!.tags, {});
        });

        it("takes back its own authorization left by an interrupted up, as its own creation", async () => {
            const before = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { [OWNER]: "proj/dev/a", stale: "1" });
            const { id, outs } = await provider.create(inputs({ owner: "proj/dev/a" }));
            assert.equal(outs!.adopted, undefined, "its own, so destroy deletes it");
            assert.equal(outs!.creationTime, before.CreationTime!.toISOString());
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform", [OWNER]: "proj/dev/a" });
            await provider.delete!(id, outs!);
            assert.deepEqual(await aws.list("eu-west-1"), []);
        });

        it("names the stack that owns it when another stack created it", async () => {
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { [OWNER]: "proj/prod/a" });
            await assert.rejects(provider.create(inputs({ owner: "proj/dev/a" })), (e: Error) => {
                assert.match(
                    e.message,
                    /already exists in source region eu-west-1, created by the Pulumi resource proj\/prod\/a \(its pulumi-aws-config-aggregation:owner tag\)\. Pulumi changed nothing\. Two stacks cannot both manage it: remove it from one of them\./,
                );
                return true;
            });
            assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { [OWNER]: "proj/prod/a" });
        });

        it("suggests an alias when a resource of the same stack under another name created it", async () => {
            await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { [OWNER]: "proj/dev/old-name" });
            await assert.rejects(provider.create(inputs({ owner: "proj/dev/new-name" })), (e: Error) => {
                assert.match(
                    e.message,
                    /It belongs to proj\/dev\/old-name of this stack: if you renamed that resource or moved it into or out of a component, give this one an alias for its old name and parent \(aliases: \[\{ name: "old-name" \}\] for a rename\)/,
                );
                return true;
            });
        });

        it("adopts with adoptExisting: tags converge, the other owner's tag stays, and delete leaves it in place", async () => {
            const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", {
                "managed-by": "control-tower",
                team: "old",
            });
            const { id, outs } = await provider.create(inputs({ owner: "proj/dev/a", adoptExisting: true }));
            assert.equal(outs!.adopted, true);
            assert.equal(outs!.creationTime, existing.CreationTime!.toISOString());
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "platform" });
            const { outs: after } = await provider.update!(
                id,
                outs!,
                inputs({ owner: "proj/dev/a", adoptExisting: true, tags: { team: "x" } }),
            );
            assert.deepEqual(await aws.tags("eu-west-1", id), { team: "x" }, "no owner tag is written on an adopted authorization");
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
            assert.deepEqual(await provider.read!(a.id, a.outs as Outputs), { id: a.id, props: a.outs });
            assert.deepEqual(await provider.read!(b.id, b.outs as Outputs), { id: b.id, props: b.outs });
        });
    });
});
