import * as assert from "node:assert/strict";
import { diffTags, fromTagList, isAwsReserved, tagRequests, tagsEqual, toTagList, userTags } from "../../provider/tags";
import { OWNER_TAG } from "../../provider/types";

const arn = "arn:aws:config:eu-west-1:123456789012:aggregation-authorization/111122223333/us-east-1";

describe("tags", () => {
    it("converts between the map and AWS's sorted list", () => {
        assert.deepEqual(toTagList({ b: "2", a: "1" }), [
            { Key: "a", Value: "1" },
            { Key: "b", Value: "2" },
        ]);
        assert.deepEqual(
            fromTagList([
                { Key: "a", Value: "1" },
                { Key: "b", Value: undefined },
            ]),
            { a: "1", b: "" },
        );
        assert.deepEqual(toTagList(undefined), []);
    });

    it("finds tags to set (new and changed) and keys to remove", () => {
        assert.deepEqual(diffTags({ keep: "1", change: "old", drop: "x" }, { keep: "1", change: "new", add: "y" }), {
            toSet: [
                { Key: "add", Value: "y" },
                { Key: "change", Value: "new" },
            ],
            toRemove: ["drop"],
        });
    });

    it("sends UntagResource with only the removed keys and TagResource with only the difference", () => {
        assert.deepEqual(tagRequests(arn, { keep: "1", change: "old", drop: "x", gone: "z" }, { keep: "1", change: "new", add: "y" }), {
            untag: { ResourceArn: arn, TagKeys: ["drop", "gone"] },
            tag: {
                ResourceArn: arn,
                Tags: [
                    { Key: "add", Value: "y" },
                    { Key: "change", Value: "new" },
                ],
            },
        });
    });

    it("sends only TagResource when nothing is removed, only UntagResource when nothing is set", () => {
        assert.deepEqual(tagRequests(arn, undefined, { a: "1" }), { tag: { ResourceArn: arn, Tags: [{ Key: "a", Value: "1" }] } });
        assert.deepEqual(tagRequests(arn, { a: "1" }, {}), { untag: { ResourceArn: arn, TagKeys: ["a"] } });
    });

    it("sends nothing when the tags are equal", () => {
        assert.deepEqual(tagRequests(arn, { a: "1" }, { a: "1" }), {});
        assert.ok(tagsEqual(undefined, {}));
        assert.ok(!tagsEqual({ a: "1" }, { a: "2" }));
    });

    it("treats a value changed to the empty string as a change", () => {
        assert.deepEqual(tagRequests(arn, { a: "1" }, { a: "" }), { tag: { ResourceArn: arn, Tags: [{ Key: "a", Value: "" }] } });
    });

    it("removes and compares keys named like Object.prototype members as any other key", () => {
        const keys = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
        const olds = fromTagList(keys.map((Key) => ({ Key, Value: "v" })));
        assert.deepEqual(Object.keys(olds).sort(), [...keys].sort(), "every key is an own key of the map");
        assert.deepEqual(tagRequests(arn, olds, {}), { untag: { ResourceArn: arn, TagKeys: [...keys].sort() } });
        assert.deepEqual(
            diffTags({}, olds).toSet.map((t) => t.Key),
            [...keys].sort(),
        );
        assert.ok(!tagsEqual({}, { constructor: "v" }));
        assert.ok(!tagsEqual({ toString: "v" }, {}));
    });

    it("never shows AWS's aws: tags or the owner tag as the user's", () => {
        assert.ok(isAwsReserved("aws:cloudformation:stack-name") && isAwsReserved("AWS:x") && !isAwsReserved("awsx"));
        assert.deepEqual(
            userTags({
                "aws:cloudformation:stack-name": "s",
                [OWNER_TAG]: "o",
                "aws-control-tower": "managed",
                a: "1",
            }),
            { "aws-control-tower": "managed", a: "1" },
        );
    });
});
