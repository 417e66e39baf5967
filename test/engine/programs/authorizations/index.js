// Engine-test program: one AggregationAuthorization per entry of the `resources` config (JSON list
// of {name, authorizedAccountId, authorizedAwsRegion, region?, tags?, secretTag?, adoptExisting?, takeOwnership?,
// takeOwnershipFromControlTower?, sourceAccountId?, accountTagFrom?, aliases?, parent?}); `secretTag` names a tag whose value is the secret config `secretTagValue`.
// With `unknownAccount` set, the first entry's account ID comes from another resource's
// output, so it is unknown during preview. Exports every resource's outputs.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { AggregationAuthorization } = require("pulumi-aws-config-aggregation");

const config = new pulumi.Config();
const resources = JSON.parse(config.get("resources") || "[]");

// A resource whose output `value` is not known until apply (preview only knows its inputs).
class Later extends pulumi.dynamic.Resource {
    constructor(name, seed) {
        super(
            {
                async create(inputs) {
                    return { id: "later", outs: { seed: inputs.seed, value: inputs.seed } };
                },
            },
            name,
            { seed, value: undefined },
            {},
            "test",
            "Later",
        );
    }
}

const components = {};
function parentOf(spec) {
    if (!spec.parent) return undefined;
    if (!components[spec.parent]) components[spec.parent] = new pulumi.ComponentResource("test:index:Group", spec.parent);
    return components[spec.parent];
}

const out = {};
const byName = {};
resources.forEach((spec, i) => {
    let account = spec.authorizedAccountId;
    if (i === 0 && config.getBoolean("unknownAccount")) account = new Later("later-account", account).value;
    const opts = { parent: parentOf(spec) };
    // aliases: [{name?, parent?}] where parent "root" is the stack and any other string a component.
    if (spec.aliases) {
        opts.aliases = spec.aliases.map((a) => ({
            ...(a.name ? { name: a.name } : {}),
            ...(a.parent ? { parent: a.parent === "root" ? pulumi.rootStackResource : parentOf({ parent: a.parent }) } : {}),
        }));
    }
    const r = new AggregationAuthorization(
        spec.name,
        {
            authorizedAccountId: account,
            authorizedAwsRegion: spec.authorizedAwsRegion,
            region: spec.region,
            // accountTagFrom: tag this one with another resource's source account (an output);
            // secretTag: a tag whose value is the secret config secretTagValue.
            tags: spec.accountTagFrom
                ? byName[spec.accountTagFrom].accountId.apply((a) => ({ ...spec.tags, source: a }))
                : spec.secretTag
                  ? { ...spec.tags, [spec.secretTag]: config.requireSecret("secretTagValue") }
                  : spec.tags,
            adoptExisting: spec.adoptExisting,
            takeOwnership: spec.takeOwnership,
            takeOwnershipFromControlTower: spec.takeOwnershipFromControlTower,
            sourceAccountId: spec.sourceAccountId,
        },
        opts,
    );
    byName[spec.name] = r;
    out[spec.name] = {
        arn: r.arn,
        accountId: r.accountId,
        region: r.region,
        creationTime: r.creationTime,
        creationId: r.creationId,
        tags: r.tags,
        tagsAll: r.tagsAll,
    };
});
exports.authorizations = out;

// Authorizations read with AggregationAuthorization.get (config `gets`: [{name, id, region?, legacy?, roleArn?, secretExternalId?}];
// legacy: 0.1.0's get(name, id, region); roleArn: read through that role, with the secret config `externalId` when secretExternalId), not managed.
const gets = JSON.parse(config.get("gets") || "[]");
exports.read = Object.fromEntries(
    gets.map((g) => {
        const assumeRole = g.roleArn
            ? { roleArn: g.roleArn, ...(g.secretExternalId ? { externalId: config.requireSecret("externalId") } : {}) }
            : undefined;
        const r = g.legacy
            ? AggregationAuthorization.get(g.name, g.id, g.region)
            : AggregationAuthorization.get(g.name, g.id, { region: g.region, ...(assumeRole ? { assumeRole } : {}) });
        return [g.name, { arn: r.arn, accountId: r.accountId, region: r.region, creationTime: r.creationTime, tags: r.tags }];
    }),
);
