import * as assert from "node:assert/strict";
import { describeOwner, ownerOf, sameStack } from "../../provider/core/owner";
import { TYPE } from "../../provider/core/model/dynamic";

const urn = (stack: string, project: string, name: string, parents = "") => `urn:pulumi:${stack}::${project}::${parents}${TYPE}::${name}`;

describe("owner", () => {
    it("is the organization, project, stack and name, then a hash of the organization and the URN", () => {
        const o = ownerOf("acme", urn("prod", "landing-zone", "authorize-eu-west-1"));
        assert.equal(o, "acme/landing-zone/prod/authorize-eu-west-1 sha256:10a1c0a489cbfcb3602475d84021583e");
        // The same inputs give the same owner in every run (it is recomputed by every `pulumi up`).
        assert.equal(ownerOf("acme", urn("prod", "landing-zone", "authorize-eu-west-1")), o);
    });

    it("tells apart owners that 0.1.0 confused", () => {
        const pairs: [string, string, string, string][] = [
            ["two organizations", "org-a", "org-b", urn("prod", "platform", "auth")],
            ["a root resource eu/west and the child west of component eu", "o", "o", urn("s", "p", "eu/west")],
        ];
        for (const [what, orgA, orgB, u] of pairs) {
            const other = what.startsWith("two") ? u : urn("s", "p", "west", "my:index:Group$");
            assert.notEqual(ownerOf(orgA, u), ownerOf(orgB, other), what);
        }
        // Characters AWS refuses become `_` in the readable part only; the hash still tells them apart.
        const a = ownerOf("o", urn("s", "p", "auth#1"));
        const b = ownerOf("o", urn("s", "p", "auth$1"));
        assert.equal(describeOwner(a).readable, describeOwner(b).readable);
        assert.notEqual(a, b);
    });

    it("fits a tag value (at most 256 characters) however long the name", () => {
        const o = ownerOf("o", urn("s", "p", "x".repeat(400)));
        assert.equal(o.length, 256);
        assert.notEqual(o, ownerOf("o", urn("s", "p", "x".repeat(401))));
    });

    it("reads both its own format and 0.1.0's for messages", () => {
        assert.deepEqual(describeOwner(ownerOf("acme", urn("prod", "lz", "a"))), { readable: "acme/lz/prod/a", stack: "acme/lz/prod" });
        assert.deepEqual(describeOwner("lz/prod/group/a"), { readable: "lz/prod/group/a", stack: "lz/prod" });
        assert.ok(sameStack(ownerOf("acme", urn("prod", "lz", "a")), ownerOf("acme", urn("prod", "lz", "b"))));
        assert.ok(!sameStack(ownerOf("acme", urn("prod", "lz", "a")), ownerOf("acme", urn("dev", "lz", "a"))));
    });
});
