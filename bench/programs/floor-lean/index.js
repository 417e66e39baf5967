// The lean engine floor: the same no-op provider as ../floor, but stored in the state the way
// sdk/authorization.ts stores ours, as a short module text in `__provider` (about 400 bytes here, 83 for
// ours) instead of the closure pulumi.dynamic.Resource serializes (about 1.7 KB). The engine writes
// the whole state after every step, so the state's size is part of a command's cost; this floor
// pays about what ours pays for it, and shows how much of the pulumi.dynamic.Resource floor is that.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

const PROVIDER_MODULE =
    "exports.handler = () => ({" +
    "create: async (i) => ({ id: `${i.region}/${i.authorizedAccountId}/${i.authorizedAwsRegion}`, outs: i })," +
    "diff: async (_id, o, n) => ({ changes: JSON.stringify(o.tags ?? {}) !== JSON.stringify(n.tags ?? {}) })," +
    "update: async (_id, _o, n) => ({ outs: n })," +
    "read: async (id, props) => ({ id, props })," +
    "delete: async () => {} });";

class LeanNoop extends pulumi.CustomResource {
    constructor(name, props) {
        super("pulumi-nodejs:dynamic/bench:LeanNoop", name, { ...props, __provider: PROVIDER_MODULE });
    }
}

const specs = JSON.parse(fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
for (const s of specs) {
    new LeanNoop(s.name, {
        authorizedAccountId: s.authorizedAccountId,
        authorizedAwsRegion: s.authorizedAwsRegion,
        region: s.region,
        tags: s.tags,
    });
}
