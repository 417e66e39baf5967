import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../../..");

describe("README", () => {
    it("shows the examples exactly as they are (the engine tier runs them)", () => {
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];
        assert.deepEqual(
            blocks.map((b) => b[1]),
            ["examples/source-account/index.ts", "examples/aggregator/index.ts"],
        );
        for (const [, file, code] of blocks) assert.equal(code, fs.readFileSync(path.join(REPO, file), "utf8"), file);
    });
});
