// The pulumi-aws shape of an organization, as no-op resources: a pulumi-aws program declares one
// `aws.Provider` per source account and region (its role and region) and one
// `aws.cfg.AggregateAuthorization` per authorization with `{ provider }`: 2N resources for N
// authorizations. Here both are no-op dynamic resources stored as ../floor-lean stores its own (a short
// module text in `__provider`), and each authorization takes its provider-like resource's ID as an
// input, so that it waits for it as a resource waits for its provider. What this does not model: a
// real provider resource is the engine's (`pulumi:providers:aws`) and starts a provider plugin of its
// own, and pulumi-aws reads AWS; so the real shape costs at least this. resources.json, written by
// bench/organization.ts: [{name, account, region, roleArn, authorizedAccountId, authorizedAwsRegion, tags}].
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

const specs = JSON.parse(fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
for (const s of specs) {
    const provider = new ProviderLike(`provider-${s.account}-${s.region}`, { region: s.region, roleArn: s.roleArn });
    new LeanNoop(s.name, {
        authorizedAccountId: s.authorizedAccountId,
        authorizedAwsRegion: s.authorizedAwsRegion,
        region: s.region,
        tags: s.tags,
        provider: provider.id,
    });
}
