// The engine floor of the benchmark: the same resources.json as ../authorizations, each entry a
// pulumi.dynamic.Resource with the same inputs whose provider does nothing (no network, no SDK).
// What a command costs here is what the Pulumi engine, the Node.js language host and the
// dynamic-provider process cost for N dynamic resources; ours minus this is what the package adds.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

/** One provider object for every resource, so Pulumi serializes it once per run (its cache). */
const noop = {
    async create(inputs) {
        return { id: `${inputs.region}/${inputs.authorizedAccountId}/${inputs.authorizedAwsRegion}`, outs: inputs };
    },
    async diff(_id, olds, news) {
        return { changes: JSON.stringify(olds.tags ?? {}) !== JSON.stringify(news.tags ?? {}) };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async read(id, props) {
        return { id, props };
    },
    async delete() {},
};

class Noop extends pulumi.dynamic.Resource {
    constructor(name, props) {
        super(noop, name, props, {}, "bench", "Noop");
    }
}

const specs = JSON.parse(fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
for (const s of specs) {
    new Noop(s.name, {
        authorizedAccountId: s.authorizedAccountId,
        authorizedAwsRegion: s.authorizedAwsRegion,
        region: s.region,
        tags: s.tags,
    });
}
