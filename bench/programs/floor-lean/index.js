// The lean engine floor: the same no-op provider as ../floor, but stored in the state the way
// sdk/authorization.ts stores ours, as a short module text in `__provider` (about 400 bytes here, 83 for
// ours) instead of the closure pulumi.dynamic.Resource serializes (about 1.7 KB). The engine writes
// the whole state after every step, so the state's size is part of a command's cost; this floor
// pays about what ours pays for it, and shows how much of the pulumi.dynamic.Resource floor is that.
//
// An entry of resources.json may name a `provider`: then a no-op provider-like resource of that name
// (one per name, with the entry's roleArn and region) comes first, and the entry takes its ID as an
// input, as a pulumi-aws resource waits for its `aws.Provider`: the pulumi-aws shape of
// bench/organization.ts (2N resources for N authorizations).
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

/** The provider-like resource's: no inputs ever change. */
const PROVIDER_LIKE_MODULE =
    "exports.handler = () => ({" +
    "create: async (i) => ({ id: `${i.roleArn}/${i.region}`, outs: i })," +
    "diff: async () => ({ changes: false })," +
    "update: async (_id, _o, n) => ({ outs: n })," +
    "read: async (id, props) => ({ id, props })," +
    "delete: async () => {} });";

class LeanNoop extends pulumi.CustomResource {
    constructor(name, props) {
        super("pulumi-nodejs:dynamic/bench:LeanNoop", name, { ...props, __provider: PROVIDER_MODULE });
    }
}

class ProviderLike extends pulumi.CustomResource {
    constructor(name, props) {
        super("pulumi-nodejs:dynamic/bench:ProviderLike", name, { ...props, __provider: PROVIDER_LIKE_MODULE });
    }
}

const providers = new Map();
const specs = JSON.parse(fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
for (const s of specs) {
    if (s.provider && !providers.has(s.provider))
        providers.set(s.provider, new ProviderLike(s.provider, { region: s.region, roleArn: s.roleArn }));
    new LeanNoop(s.name, {
        authorizedAccountId: s.authorizedAccountId,
        authorizedAwsRegion: s.authorizedAwsRegion,
        region: s.region,
        tags: s.tags,
        ...(s.provider ? { provider: providers.get(s.provider).id } : {}),
    });
}
