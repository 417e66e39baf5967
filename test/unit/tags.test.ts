import * as assert from "node:assert/strict";
import { fromTagList, toTagList, userTags } from "../../provider/tags";
import { OWNER_TAG } from "../../provider/types";

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

    it("never shows AWS's aws: tags or the owner tag as the user's", () => {
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
