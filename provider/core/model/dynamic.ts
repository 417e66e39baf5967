/**
 * How Pulumi finds and calls this provider, as in @pulumi/pulumi's `sdk/nodejs/dynamic/index.ts`
 * (type token, `__provider` input) and `sdk/nodejs/cmd/dynamic-provider/index.ts` (`handler()`,
 * partial failures).
 */

/** The token `pulumi.dynamic.Resource` would make of module "aws-config", type "AggregationAuthorization". */
export const TYPE = "pulumi-nodejs:dynamic/aws-config:AggregationAuthorization";

/** The provider module loads the installed package, never a serialized copy. */
export const PACKAGE = "pulumi-aws-config-aggregation";

/**
 * The `__provider` stored in each resource's state: a `require` by package name, under 400 bytes
 * and never a client or credentials, where Pulumi's closure serializer would write 2.5 KB.
 */
export const PROVIDER_MODULE = providerModule("provider", "AggregationAuthorization");

/** The type token of `SourceAccountAuthorizations`. */
export const SOURCE_ACCOUNT_TYPE = "pulumi-nodejs:dynamic/aws-config:SourceAccountAuthorizations";

/** The provider module of `SourceAccountAuthorizations`. */
export const SOURCE_ACCOUNT_PROVIDER_MODULE = providerModule("sourceAccountProvider", "SourceAccountAuthorizations");

/** A resource type of this package. */
export interface ResourceType {
    /** The class name, for messages. */
    name: string;
    token: string;
    providerModule: string;
}

export const AUTHORIZATION: ResourceType = { name: "AggregationAuthorization", token: TYPE, providerModule: PROVIDER_MODULE };
export const SOURCE_ACCOUNT: ResourceType = {
    name: "SourceAccountAuthorizations",
    token: SOURCE_ACCOUNT_TYPE,
    providerModule: SOURCE_ACCOUNT_PROVIDER_MODULE,
};

/** The module text that loads the export `name` of `${PACKAGE}/provider`, for resources of class `cls`. */
function providerModule(name: string, cls: string): string {
    return (
        `exports.handler = () => { try { return require("${PACKAGE}/provider").${name}; } catch (e) { ` +
        `if (e && e.code === "MODULE_NOT_FOUND") e.message = "the package ${PACKAGE} must stay installed ` +
        `until every ${cls} of the stack is destroyed: install it again, run pulumi up or destroy, then remove it (" + e.message + ")"; ` +
        `throw e; } };`
    );
}

/** An error the provider process reports as a partial create or update: the engine records `id` and `properties`. */
export interface PartialFailure {
    id: string;
    properties: object;
    reasons: string[];
}
