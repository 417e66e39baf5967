/**
 * The SourceAccountAuthorizations provider against moto: per region, the single resource's promises;
 * across regions, in-place adds and removes, partial failure, and a compact state. AWS read back.
 */
import * as assert from "node:assert/strict";
import { sourceAccountProvider as provider } from "../../provider";
import type { SourceAccountInputs, SourceAccountOutputs } from "../../provider/source-account/types";
import { isAuthorizationError } from "../../provider/core/aws/errors";
import { OWNER_TAG } from "../../provider/core/model/types";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, OWNER_A, SOURCE_ACCOUNT, arnOf, created, roleIn, useAws } from "../harness/aws";
import { faults } from "../harness/proxy";

const inputs = (over: Partial<SourceAccountInputs> = {}): SourceAccountInputs => ({
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    regions: ["eu-west-1", "us-east-1", "us-west-2"],
    tags: { team: "platform" },
    owner: OWNER_A,
    ...over,
});
const ID = `${SOURCE_ACCOUNT}/${AGGREGATOR_ACCOUNT}/us-east-1`;
const ours = (tags: Record<string, string> = { team: "platform" }) => ({ ...tags, [OWNER_TAG]: created(OWNER_A) });
const CONTROL_TOWER = { "aws-control-tower": "managed-by-control-tower" };

describe("SourceAccountAuthorizations provider", function () {
    this.timeout(60000);
    const aws = useAws();

    /** What AWS holds in `regions` (default account): ARN → tags, creation IDs masked. */
    async function held(regions = ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1"]): Promise<Record<string, Record<string, string>>> {
        const out: Record<string, Record<string, string>> = {};
        for (const r of regions)
            for (const a of await aws.list(r)) out[a.AggregationAuthorizationArn!] = await aws.tags(r, a.AggregationAuthorizationArn!);
        return out;
    }

    describe("check", () => {
        it("sorts the regions and knows every ARN in a preview from the role, with no AWS call", async () => {
            aws.proxy.clear();
            const r = await provider.check!(
                {} as SourceAccountInputs,
                inputs({ regions: ["us-west-2", "eu-west-1"], assumeRole: { roleArn: roleIn(OTHER_ACCOUNT) } }),
            );
            assert.equal(r.failures, undefined);
            assert.deepEqual(r.inputs!.regions, ["eu-west-1", "us-west-2"]);
            assert.equal(r.inputs!.accountId, OTHER_ACCOUNT);
            assert.deepEqual(r.inputs!.arns, {
                "eu-west-1": arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT),
                "us-west-2": arnOf("us-west-2", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT),
            });
            // The new regions' ARNs are read once each (what the create would meet), through the role.
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "ListTagsForResource"]);
        });

        const refused: [string, Partial<SourceAccountInputs>, string[]][] = [
            [
                "no region",
                { regions: [] },
                ['regions must list at least one source region, e.g. ["us-east-1", "eu-west-1"], got an empty list'],
            ],
            ["a region twice", { regions: ["eu-west-1", "eu-west-1"] }, ['regions[1] "eu-west-1" is listed twice; list each region once']],
            [
                "a bad region",
                { regions: ["eu-west-1", "eu-west"] },
                ['regions[1] must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got "eu-west"'],
            ],
            ["a bad aggregator account", { authorizedAccountId: "1234" }, ['authorizedAccountId must be 12 digits, got "1234"']],
        ];
        for (const [what, over, reasons] of refused) {
            it(`fails ${what}, naming the input, before any AWS call`, async () => {
                aws.proxy.clear();
                const r = await provider.check!({} as SourceAccountInputs, inputs(over));
                assert.deepEqual(
                    r.failures,
                    reasons.map((reason) => ({ property: "", reason })),
                );
                assert.deepEqual(aws.proxy.calls, []);
            });
        }

        it("fails the preview naming the region where an authorization of AWS Control Tower stands", async () => {
            await aws.putOutOfBand("us-west-2", AGGREGATOR_ACCOUNT, "us-east-1", CONTROL_TOWER);
            const r = await provider.check!({} as SourceAccountInputs, inputs());
            assert.equal(r.failures?.length, 1);
            assert.match(
                r.failures![0].reason,
                /^regions: us-west-2: creating Config aggregation authorization \(arn:aws:config:us-west-2:123456789012:/,
            );
        });

        it("once the run has asked for a change, starts the new regions' reads without waiting; the create takes what they found", async () => {
            // A create reached the process: the engine calls it only outside previews, so this run is an up.
            await provider.create!(inputs({ regions: ["ap-south-1"] }));
            aws.proxy.clear();
            aws.proxy.inject((c) => (c.operation === "ListTagsForResource" ? faults.delayedAnswer(1500) : undefined));
            const t0 = performance.now();
            const r = await provider.check!({} as SourceAccountInputs, inputs());
            assert.ok(performance.now() - t0 < 1000, `check waited ${(performance.now() - t0).toFixed(0)} ms for AWS`);
            assert.equal(r.failures, undefined);
            // The reads run while the engine hands the create to a worker.
            for (let i = 0; i < 100 && aws.proxy.operations().length < 3; i++) await new Promise((res) => setTimeout(res, 50));
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "ListTagsForResource", "ListTagsForResource"]);
            aws.proxy.inject(undefined);
            aws.proxy.clear();
            await provider.create!(r.inputs!);
            // Two round trips in a row instead of three: each Put goes first, its confirmation after.
            assert.deepEqual([...aws.proxy.operations()].sort(), [
                ...Array<string>(3).fill("ListTagsForResource"),
                ...Array<string>(3).fill("PutAggregationAuthorization"),
            ]);
            for (const region of ["eu-west-1", "us-east-1", "us-west-2"]) {
                const ops = aws.proxy.calls.filter((c) => c.region === region).map((c) => c.operation);
                assert.deepEqual(ops, ["PutAggregationAuthorization", "ListTagsForResource"], region);
            }
            assert.deepEqual(await held(["eu-west-1", "us-east-1", "us-west-2"]), {
                [arnOf("eu-west-1")]: ours(),
                [arnOf("us-east-1")]: ours(),
                [arnOf("us-west-2")]: ours(),
            });
        });

        it("once the run has asked for a change, starts the read of an added region; the update that adds it waits for it", async () => {
            const { outs } = await provider.create!(inputs({ regions: ["eu-west-1"] }));
            aws.proxy.clear();
            aws.proxy.inject((c) => (c.operation === "ListTagsForResource" ? faults.delayedAnswer(500) : undefined));
            const r = await provider.check!(outs!, inputs({ regions: ["eu-west-1", "us-west-2"] }));
            assert.equal(r.failures, undefined);
            // The engine may hand the update to a worker before the read is answered: the update waits for it, not reads again.
            await provider.update!(ID, outs!, r.inputs!);
            assert.deepEqual(
                aws.proxy.calls.map((c) => `${c.operation} ${c.region}`),
                ["ListTagsForResource us-west-2", "PutAggregationAuthorization us-west-2", "ListTagsForResource us-west-2"],
            );
            assert.deepEqual(Object.keys(await held(["eu-west-1", "us-west-2"])), [arnOf("eu-west-1"), arnOf("us-west-2")]);
        });

        it("once the run has asked for a change, leaves a refusal to the create, which reads the region its check found taken", async () => {
            await provider.create!(inputs({ regions: ["ap-south-1"] }));
            await aws.putOutOfBand("us-west-2", AGGREGATOR_ACCOUNT, "us-east-1", CONTROL_TOWER);
            aws.proxy.clear();
            const r = await provider.check!({} as SourceAccountInputs, inputs());
            assert.equal(r.failures, undefined, "no preview: the create refuses");
            await assert.rejects(provider.create!(r.inputs!), /us-west-2: creating Config aggregation authorization/);
            // Check's read of each region; then the create's Put and confirmation where it was absent, its own read where not.
            const ops = aws.proxy.calls.map((c) => `${c.operation} ${c.region}`).sort();
            assert.deepEqual(ops, [
                "ListTagsForResource eu-west-1",
                "ListTagsForResource eu-west-1",
                "ListTagsForResource us-east-1",
                "ListTagsForResource us-east-1",
                "ListTagsForResource us-west-2",
                "ListTagsForResource us-west-2",
                "PutAggregationAuthorization eu-west-1",
                "PutAggregationAuthorization us-east-1",
            ]);
            assert.deepEqual(await aws.tags("us-west-2", arnOf("us-west-2")), CONTROL_TOWER, "AWS Control Tower's, untouched");
        });
    });

    describe("diff", () => {
        const olds = async () => (await provider.create!(inputs())).outs!;
        it("no change when the same regions come in another order", async () => {
            const o = await olds();
            assert.deepEqual(await provider.diff!(ID, o, inputs({ regions: ["us-west-2", "us-east-1", "eu-west-1"] })), {
                changes: false,
                replaces: [],
            });
        });
        it("an in-place update for an added or removed region, or a tag change", async () => {
            const o = await olds();
            // In place, with inputs that differ from those the state was made from: left to the engine's
            // diff of the inputs, which previews only what changes (input-changes.ts).
            assert.deepEqual(await provider.diff!(ID, o, inputs({ regions: ["eu-west-1", "us-east-1"] })), {
                changes: undefined,
                replaces: [],
            });
            assert.deepEqual(await provider.diff!(ID, o, inputs({ regions: [...o.regions, "ap-south-1"] })), {
                changes: undefined,
                replaces: [],
            });
            assert.deepEqual(await provider.diff!(ID, o, inputs({ tags: { team: "security" } })), {
                changes: undefined,
                replaces: [],
            });
        });
        it("replaces for another aggregator", async () => {
            const o = await olds();
            assert.deepEqual(await provider.diff!(ID, o, inputs({ authorizedAwsRegion: "eu-west-1" })), {
                changes: true,
                replaces: ["authorizedAwsRegion"],
            });
            assert.deepEqual(await provider.diff!(ID, o, inputs({ authorizedAccountId: OTHER_ACCOUNT })), {
                changes: true,
                replaces: ["authorizedAccountId"],
            });
        });
    });

    it("creates one authorization per region, each its own creation, within the single resource's calls per authorization", async () => {
        aws.proxy.clear();
        const { id, outs } = await provider.create!(inputs());
        assert.equal(id, ID);
        assert.deepEqual(await held(), {
            [arnOf("eu-west-1")]: ours(),
            [arnOf("us-east-1")]: ours(),
            [arnOf("us-west-2")]: ours(),
        });
        assert.deepEqual(Object.keys(outs!.creationIds), ["eu-west-1", "us-east-1", "us-west-2"]);
        assert.equal(new Set(Object.values(outs!.creationIds)).size, 3, "a creation ID per region");
        for (const [region, arn] of Object.entries(outs!.arns)) {
            const tags = await aws.rawTags(region, arn);
            assert.equal(tags[OWNER_TAG], `${OWNER_A} creation:${outs!.creationIds[region]}`);
        }
        assert.equal(outs!.exceptions, undefined, "every region as the common view");
        assert.deepEqual(outs!.tagsAll, { team: "platform" });
        // The single resource's create: ListTagsForResource, PutAggregationAuthorization, ListTagsForResource.
        assert.equal(aws.proxy.operations().length, 3 * 3);
    });

    it("an update that fails in one region records what AWS holds in every region; the next update finishes", async () => {
        const { id, outs } = await provider.create!(inputs());
        aws.proxy.inject((c) =>
            c.operation === "TagResource" && c.region === "us-west-2" ? faults.accessDenied("config:TagResource") : undefined,
        );
        const news = inputs({ tags: { team: "security" }, regions: ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1"] });
        const err = await provider.update!(id, outs!, news).then(
            () => assert.fail("the update should fail"),
            (e: unknown) => e,
        );
        assert.ok(isAuthorizationError(err));
        assert.match(
            err.message,
            /^updating SourceAccountAuthorizations of account 123456789012 for aggregator account 111122223333 in us-east-1: 1 of 4 regions failed \(us-west-2\);/,
        );
        assert.match(err.message, /\n {2}us-west-2: updating Config aggregation authorization \(arn:aws:config:us-west-2:/);
        const partial = err.properties as SourceAccountOutputs;
        assert.equal(err.id, id);
        assert.deepEqual(partial.regions, ["ap-south-1", "eu-west-1", "us-east-1", "us-west-2"]);
        assert.deepEqual(
            partial.exceptions,
            { "us-west-2": { tags: { team: "platform" }, tagsAll: { team: "platform" } } },
            "the failed region as AWS holds it",
        );
        assert.deepEqual((await held())[arnOf("us-west-2")], ours());
        assert.deepEqual((await held())[arnOf("ap-south-1")], ours({ team: "security" }));
        aws.proxy.inject(undefined);
        assert.deepEqual(await provider.diff!(id, partial, news), { changes: true, replaces: [] }, "the next up has work");
        aws.proxy.clear();
        const done = (await provider.update!(id, partial, news)).outs!;
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "TagResource"], "only the failed region is touched");
        assert.equal(done.exceptions, undefined);
        assert.deepEqual(await provider.diff!(id, done, news), { changes: false, replaces: [] });
        assert.deepEqual(Object.values(await held()), [
            ours({ team: "security" }),
            ours({ team: "security" }),
            ours({ team: "security" }),
            ours({ team: "security" }),
        ]);
    });

    it("refresh: a region whose owner tag was removed is still this resource's (creation time), and the next update writes the tag back", async () => {
        const { id, outs } = await provider.create!(inputs());
        await aws.untagOutOfBand("eu-west-1", arnOf("eu-west-1"), [OWNER_TAG]);
        const read = await provider.read!(id, outs);
        assert.deepEqual(read.props!.exceptions, { "eu-west-1": { ownerTagMissing: true } });
        const d = await provider.diff!(id, read.props!, inputs());
        // The read's inputs lack the owner: the engine's diff of the inputs shows it written back (input-changes.ts).
        assert.deepEqual(d, { changes: undefined, replaces: [] });
        const after = (await provider.update!(id, read.props!, inputs())).outs!;
        assert.equal(after.exceptions, undefined);
        assert.deepEqual((await held())[arnOf("eu-west-1")], ours());
    });

    it("refresh drops a region where another creation now stands; destroy leaves that one and deletes the rest", async () => {
        const { id, outs } = await provider.create!(inputs());
        await aws.deleteOutOfBand("us-east-1", AGGREGATOR_ACCOUNT, "us-east-1");
        // Moto stamps creation times in whole seconds; AWS gives each creation its own.
        const second = Math.floor(Date.parse(outs!.creationTimes["us-east-1"]) / 1000);
        while (Math.floor(Date.now() / 1000) <= second) await new Promise((r) => setTimeout(r, 50));
        const theirs = await aws.putOutOfBand("us-east-1", AGGREGATOR_ACCOUNT, "us-east-1", { owner: "someone-else" });
        const read = await provider.read!(id, outs);
        assert.deepEqual(read.props!.regions, ["eu-west-1", "us-west-2"]);
        await provider.delete!(id, outs!); // the recorded state still lists us-east-1: it is left
        assert.deepEqual(await held(), { [theirs.AggregationAuthorizationArn!]: { owner: "someone-else" } });
    });

    it("takeOwnership takes over per region, but never AWS Control Tower's without takeOwnershipFromControlTower", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { made: "terraform" });
        await aws.putOutOfBand("us-west-2", AGGREGATOR_ACCOUNT, "us-east-1", CONTROL_TOWER);
        const err = await provider.create!(inputs({ takeOwnership: true })).then(
            () => assert.fail("the create should fail"),
            (e: unknown) => e,
        );
        assert.ok(isAuthorizationError(err));
        assert.match(err.message, /1 of 3 regions failed \(us-west-2\)/);
        assert.match(err.message, /AWS Control Tower/);
        const partial = err.properties as SourceAccountOutputs;
        assert.deepEqual(partial.regions, ["eu-west-1", "us-east-1"]);
        // Taken over: the owner tag and the declared keys are managed; the tag it found stays, unmanaged.
        assert.deepEqual(partial.exceptions, { "eu-west-1": { takenOver: true } });
        assert.deepEqual(await aws.tags("us-west-2", arnOf("us-west-2")), CONTROL_TOWER, "Control Tower's is untouched");
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { made: "terraform", ...ours() });
    });

    it("keeps the state small: a resource of 17 regions records per region only ARN, creation time and creation ID", async () => {
        const regions = [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "ca-central-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-north-1",
            "ap-south-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-southeast-1",
            "ap-southeast-2",
            "sa-east-1",
        ];
        const { outs } = await provider.create!(inputs({ regions }));
        const bytes = JSON.stringify(outs).length;
        assert.deepEqual(Object.keys(outs!).sort(), [
            "__inputs",
            "accountId",
            "arns",
            "authorizedAccountId",
            "authorizedAwsRegion",
            "creationIds",
            "creationTimes",
            "owner",
            "regions",
            "tags",
            "tagsAll",
        ]);
        assert.ok(bytes < 17 * 250, `${bytes} bytes for 17 regions`);
    });
});
