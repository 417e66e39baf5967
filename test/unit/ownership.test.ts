/**
 * The ownership rules (provider/core/ownership.ts) as pure functions: the owner tag of a creation, which
 * tag names which creation, a resource's standing with what AWS holds, and what a create claims.
 */
import * as assert from "node:assert/strict";
import { ownerOf } from "../../provider/core/owner";
import { createRefusal } from "../../provider/core/messages/ownership";
import {
    classify,
    decide,
    newCreationId,
    ownerTagValue,
    reclaimedArns,
    tagNamesCreation,
    type Allow,
    type Facts,
} from "../../provider/core/ownership";
import { OWNER_TAG } from "../../provider/core/model/types";

const urn = (stack: string, name: string) => `urn:pulumi:${stack}::lz::pulumi-nodejs:dynamic/aws-config:AggregationAuthorization::${name}`;
const A = ownerOf("acme", urn("prod", "a"));
const B = ownerOf("acme", urn("prod", "b"));
const ID = "0123456789abcdef";
const tagged = (owner: string, id?: string) => ({ [OWNER_TAG]: ownerTagValue(owner, id), team: "x" });
const NONE: Allow = {
    adoptExisting: false,
    takeOwnership: false,
    takeOwnershipFromControlTower: false,
    firstCreate: false,
    reclaimed: false,
};
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

    describe("decide: an existing resource's operations", () => {
        const T = "2026-12-01T10:00:00.123Z";
        const C = { owners: [A], creationId: ID, creationTime: T };
        const own = (op: Facts["op"], held: Record<string, string> | undefined, over: Partial<Facts> = {}) =>
            decide({ op, held, recorded: { mode: "own", creation: C }, ...over });
        const OTHER = "fedcba9876543210";

        it("keeps its own creation by the tag, without asking AWS's creation time", () => {
            for (const op of ["read", "update", "delete"] as const) assert.deepEqual(own(op, tagged(A, ID)), { act: "keep", tagged: true });
        });

        it("asks the creation time when the owner tag is gone or names no owner, and keeps it on a match", () => {
            assert.deepEqual(own("delete", { team: "x" }), { act: "ask" });
            assert.deepEqual(own("delete", { team: "x" }, { awsCreationTime: T }), { act: "keep", tagged: false });
            assert.deepEqual(own("read", { [OWNER_TAG]: "cleaned" }, { awsCreationTime: "2026-12-01T10:00:00.123+00:00" }), {
                act: "keep",
                tagged: false,
            });
            assert.deepEqual(own("update", {}, { awsCreationTime: "2026-12-01T10:00:01.000Z" }), { act: "leave", why: "replaced" });
            assert.deepEqual(own("update", {}, { awsCreationTime: null }), { act: "leave", why: "replaced" });
        });

        it("leaves an authorization whose live owner tag names another creation, whatever the creation time says", () => {
            for (const held of [tagged(A, OTHER), tagged(B, ID), tagged(ownerOf("acme", urn("test", "a")), ID)]) {
                for (const op of ["read", "update", "delete"] as const) {
                    assert.deepEqual(own(op, held, { awsCreationTime: T }), { act: "leave", why: "another-creation" }, `${op}`);
                }
            }
            assert.equal(classify(tagged(B, ID), C, A), "this stack");
            assert.equal(classify(tagged(ownerOf("acme", urn("test", "a")), ID), C, A), "another stack");
            assert.equal(classify(tagged(A, OTHER), C, A), "this resource");
        });

        it("is unproven without a recorded creation time, an unconfirmed create's included", () => {
            assert.deepEqual(own("delete", {}, { recorded: { mode: "own", creation: { ...C, creationTime: "" } } }), {
                act: "refuse",
                why: "unproven",
            });
            assert.deepEqual(own("delete", {}, { recorded: { mode: "own", creation: { owners: [A], creationTime: "" } } }), {
                act: "refuse",
                why: "unproven",
            });
        });

        it("creates again at the update of an unconfirmed create that AWS does not hold; gone otherwise", () => {
            const unconfirmed = { recorded: { mode: "own" as const, creation: { ...C, creationTime: "" } } };
            assert.deepEqual(own("update", undefined, unconfirmed), { act: "create" });
            assert.deepEqual(own("update", undefined), { act: "leave", why: "gone" });
            assert.deepEqual(own("read", undefined, unconfirmed), { act: "leave", why: "gone" });
            assert.deepEqual(own("delete", undefined, unconfirmed), { act: "leave", why: "gone" });
        });

        it("manages an adopted one until another owner's tag appears; takeOwnership takes it, Control Tower's only when acknowledged", () => {
            const adopted = { recorded: { mode: "adopted" as const, creation: { owners: [A] } } };
            const allow = (over: Partial<Allow>): Allow => ({ ...NONE, ...over });
            assert.deepEqual(own("update", { team: "x" }, adopted), { act: "manage" });
            assert.deepEqual(own("delete", tagged(B, ID), adopted), { act: "leave", why: "another-creation" });
            assert.deepEqual(own("update", { team: "x" }, { ...adopted, allow: allow({ takeOwnership: true }) }), {
                act: "take",
                mode: "taken",
            });
            const CT = { "aws-control-tower": "managed-by-control-tower" };
            assert.deepEqual(own("update", CT, { ...adopted, allow: allow({ takeOwnership: true }) }), {
                act: "refuse",
                why: "control-tower",
            });
            assert.deepEqual(
                own("update", CT, { ...adopted, allow: allow({ takeOwnership: true, takeOwnershipFromControlTower: true }) }),
                {
                    act: "take",
                    mode: "taken",
                },
            );
        });
    });

    describe("decide: a create meeting what AWS holds", () => {
        const create = (held: Record<string, string> | undefined, over: Partial<Allow> = {}) =>
            decide({ op: "create", held, owner: A, allow: { ...NONE, firstCreate: true, ...over } });
        const CT = { "aws-control-tower": "managed-by-control-tower" };

        it("creates where AWS holds none", () => {
            assert.deepEqual(create(undefined), { act: "create" });
        });

        it("never takes its own URN's authorization unless the ARN is reclaimed, whatever the flags", () => {
            for (const over of [{}, { adoptExisting: true }, { takeOwnership: true }])
                assert.equal(create(tagged(A, ID), over).act, "refuse");
            assert.deepEqual(create(tagged(A, ID), { reclaimed: true }), { act: "take", mode: "own" });
            assert.match(
                createRefusal("interrupted", { what: "it", arn: ARN, owner: A, held: tagged(A, ID) }),
                new RegExp(`PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=${ARN} pulumi up`),
            );
        });

        it("never takes or adopts another stack's; takes one of this stack's only with takeOwnership at a first create", () => {
            const elsewhere = tagged(ownerOf("acme", urn("test", "b")), ID);
            for (const over of [{}, { adoptExisting: true }, { takeOwnership: true }, { reclaimed: true }]) {
                assert.deepEqual(create(elsewhere, over), { act: "refuse", why: "pulumi-owned" });
            }
            assert.deepEqual(create(tagged(B, ID)), { act: "refuse", why: "pulumi-owned" });
            assert.deepEqual(create(tagged(B, ID), { adoptExisting: true }), { act: "refuse", why: "pulumi-owned" });
            assert.deepEqual(create(tagged(B, ID), { takeOwnership: true }), { act: "take", mode: "taken" });
            assert.deepEqual(create(tagged(B, ID), { takeOwnership: true, firstCreate: false }), { act: "refuse", why: "pulumi-owned" });
        });

        it("takes one made outside Pulumi only on a first create, and Control Tower's only when acknowledged", () => {
            assert.deepEqual(create({ Name: "tf" }, { takeOwnership: true }), { act: "take", mode: "taken" });
            assert.deepEqual(create({ Name: "tf" }, { takeOwnership: true, firstCreate: false }), {
                act: "refuse",
                why: "not-first-create",
            });
            assert.deepEqual(create(CT, { takeOwnership: true }), { act: "refuse", why: "control-tower" });
            assert.match(
                createRefusal("control-tower", { what: "it", arn: ARN, owner: A, held: CT }),
                /AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY/,
            );
            assert.deepEqual(create(CT, { takeOwnership: true, takeOwnershipFromControlTower: true }), { act: "take", mode: "taken" });
            assert.deepEqual(create(CT, { adoptExisting: true }), { act: "take", mode: "adopted" });
            assert.deepEqual(create(CT), { act: "refuse", why: "outside-pulumi" });
        });

        it("confirms a Put only when AWS holds this creation's tag", () => {
            const mine = { mode: "own" as const, creation: { owners: [A], creationId: ID } };
            assert.deepEqual(decide({ op: "confirm", held: tagged(A, ID), recorded: mine }), { act: "keep", tagged: true });
            assert.deepEqual(decide({ op: "confirm", held: CT, recorded: mine }), { act: "leave", why: "race" });
            assert.deepEqual(decide({ op: "confirm", held: tagged(A, "fedcba9876543210"), recorded: mine }), { act: "leave", why: "race" });
        });
    });

    it("reads the reclaimed ARNs from the environment, comma-separated", () => {
        assert.deepEqual([...reclaimedArns({ PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM: ` ${ARN}, ,arn:x ` })], [ARN, "arn:x"]);
        assert.deepEqual([...reclaimedArns({})], []);
    });
});
