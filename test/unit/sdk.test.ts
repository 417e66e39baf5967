import * as assert from "node:assert/strict";
import { PROVIDER_MODULE } from "../../provider/core/model/dynamic";

describe("the provider module stored in the state", () => {
    /** Evaluates the module text the way the dynamic-provider host does, with `require` replaced. */
    function load(require: (id: string) => unknown): () => unknown {
        const module = { exports: {} as { handler: () => unknown } };
        new Function("exports", "require", PROVIDER_MODULE)(module.exports, require);
        return module.exports.handler;
    }

    it("returns the provider of the installed package", () => {
        const provider = { check: () => undefined };
        assert.equal(load((id) => (id === "pulumi-aws-config-aggregation/provider" ? { provider } : undefined))(), provider);
    });

    it("says to keep the package installed when it is gone", () => {
        const handler = load((id) => {
            throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
        });
        assert.throws(handler, {
            message:
                "the package pulumi-aws-config-aggregation must stay installed until every AggregationAuthorization of the stack is destroyed: " +
                "install it again, run pulumi up or destroy, then remove it (Cannot find module 'pulumi-aws-config-aggregation/provider')",
        });
    });

    it("stays well under 1 KB", () => {
        assert.ok(PROVIDER_MODULE.length < 400, `${PROVIDER_MODULE.length} bytes`);
    });
});
