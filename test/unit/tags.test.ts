import * as assert from "node:assert/strict";
import { fromTagList, toTagList } from "../../provider/core/model/tags";

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
});
