/**
 * The ownership rules (provider/core/ownership.ts) as pure functions: the owner tag of a creation, which
 * tag names which creation, a resource's standing with what AWS holds, and what a create claims.
 */
import * as assert from "node:assert/strict";
import { ownerOf } from "../../provider/core/owner";
import {
    carriesOwner,
    claim,
    newCreationId,
    ownerTagValue,
    reclaimedArns,
    standing,
    tagNamesCreation,
    type ClaimContext,
} from "../../provider/core/ownership";
import { OWNER_TAG } from "../../provider/core/model/types";

const urn = (stack: string, name: string) => `urn:pulumi:${stack}::lz::pulumi-nodejs:dynamic/aws-config:AggregationAuthorization::${name}`;
const A = ownerOf("acme", urn("prod", "a"));
const B = ownerOf("acme", urn("prod", "b"));
const ID = "0123456789abcdef";
const tagged = (owner: string, id?: string) => ({ [OWNER_TAG]: ownerTagValue(owner, id), team: "x" });
const ARN = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";

describe("ownership", () => {
    it("writes the creation after the owner, and keeps the tag within AWS's 256 characters", () => {
        assert.equal(ownerTagValue(A, ID), `${A} creation:${ID}`);
        assert.equal(ownerTagValue(A, undefined), A, "state from before creation IDs");
        const long = ownerOf("acme", urn("prod", "n".repeat(300)));
        const value = ownerTagValue(long, ID);
        assert.equal([...value].length, 256);
        assert.match(value, new RegExp(`${long.slice(-40)} creation:${ID}$`), "the hash and the creation are never cut");
        assert.match(newCreationId(), /^[0-9a-f]{16}$/);
        assert.notEqual(newCreationId(), newCreationId());
    });

    it("names a creation only with the same owner and the same creation ID", () => {
        assert.ok(tagNamesCreation(tagged(A, ID), { owners: [A], creationId: ID }));
        assert.ok(tagNamesCreation(tagged(A, ID), { owners: [undefined, A], creationId: ID }), "a rename's new owner");
        assert.ok(!tagNamesCreation(tagged(A, "fedcba9876543210"), { owners: [A], creationId: ID }), "another creation of the same URN");
        assert.ok(!tagNamesCreation(tagged(B, ID), { owners: [A], creationId: ID }), "another resource");
        assert.ok(!tagNamesCreation({ team: "x" }, { owners: [A], creationId: ID }), "no tag");
        assert.ok(tagNamesCreation(tagged(A), { owners: [A] }), "state from before creation IDs: the owner alone");
        assert.ok(tagNamesCreation({ [OWNER_TAG]: "lz/prod/a" }, { owners: ["lz/prod/a"] }), "an owner written by 0.1.0");
        assert.ok(!tagNamesCreation(tagged(A, ID), { owners: [A] }), "a creation ID the state does not record");
    });

    describe("standing", () => {
        const never = async (): Promise<string | undefined> => assert.fail("the tag answers; no lookup");
        const at = (iso: string | undefined) => async () => iso;
        const T = "2026-12-01T10:00:00.123Z";

        it("is ours by the tag, without a lookup", async () => {
            assert.deepEqual(await standing(tagged(A, ID), { owners: [A], creationId: ID, creationTime: T }, never), {
                kind: "ours",
                tagged: true,
            });
        });

        it("is ours by the creation time when the tag was removed or edited, and says the tag is missing", async () => {
            const c = { owners: [A], creationId: ID, creationTime: T };
            assert.deepEqual(await standing({ team: "x" }, c, at(T)), { kind: "ours", tagged: false });
            assert.deepEqual(await standing({ [OWNER_TAG]: "cleaned" }, c, at("2026-12-01T10:00:00.123+00:00")), {
                kind: "ours",
                tagged: false,
            });
        });

        it("is another creation when the creation time differs or it is gone, and unproven without a recorded time", async () => {
            const c = { owners: [A], creationId: ID, creationTime: T };
            assert.deepEqual(await standing(tagged(A, "fedcba9876543210"), c, at("2026-12-01T10:00:01.000Z")), {
                kind: "replaced",
                holder: ownerTagValue(A, "fedcba9876543210"),
            });
            assert.deepEqual(await standing({}, c, at(undefined)), { kind: "replaced", holder: undefined });
            assert.deepEqual(await standing({}, { ...c, creationTime: "" }, never), { kind: "unproven", holder: undefined });
        });
    });

    describe("claim (a create meeting an existing authorization)", () => {
        const ctx = (over: Partial<ClaimContext> = {}): ClaimContext => ({
            owner: A,
            arn: ARN,
            what: "it",
            adoptExisting: false,
            takeOwnership: false,
            takeOwnershipFromControlTower: false,
            replacing: false,
            reclaim: new Set(),
            ...over,
        });
        const kind = (tags: Record<string, string>, over: Partial<ClaimContext> = {}) => claim(tags, ctx(over)).kind;
        const CT = { "aws-control-tower": "managed-by-control-tower" };

        it("never takes its own URN's authorization unless the ARN is reclaimed, whatever the flags", () => {
            for (const over of [{}, { adoptExisting: true }, { takeOwnership: true }]) assert.equal(kind(tagged(A, ID), over), "refuse");
            assert.deepEqual(claim(tagged(A, ID), ctx({ reclaim: new Set([ARN]) })), { kind: "own", reason: "reclaimed" });
            assert.match(
                (claim(tagged(A, ID), ctx()) as { why: string }).why,
                new RegExp(`PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=${ARN} pulumi up`),
            );
            assert.ok(carriesOwner(tagged(A, ID), A));
            assert.ok(!carriesOwner(tagged(B, ID), A));
        });

        it("never takes or adopts another Pulumi resource's", () => {
            for (const over of [{}, { adoptExisting: true }, { takeOwnership: true }, { reclaim: new Set([ARN]) }])
                assert.equal(kind(tagged(B, ID), over), "refuse");
        });

        it("takes one made outside Pulumi only on a first create, and Control Tower's only when acknowledged", () => {
            assert.deepEqual(claim({ Name: "tf" }, ctx({ takeOwnership: true })), { kind: "own", reason: "takeOwnership" });
            assert.equal(kind({ Name: "tf" }, { takeOwnership: true, replacing: true }), "refuse");
            assert.equal(kind(CT, { takeOwnership: true }), "refuse");
            assert.match(
                (claim(CT, ctx({ takeOwnership: true })) as { why: string }).why,
                /AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY/,
            );
            assert.equal(kind(CT, { takeOwnership: true, takeOwnershipFromControlTower: true }), "own");
            assert.equal(kind(CT, { adoptExisting: true }), "adopt");
            assert.equal(kind(CT), "refuse");
        });
    });

    it("reads the reclaimed ARNs from the environment, comma-separated", () => {
        assert.deepEqual([...reclaimedArns({ PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM: ` ${ARN}, ,arn:x ` })], [ARN, "arn:x"]);
        assert.deepEqual([...reclaimedArns({})], []);
    });
});
