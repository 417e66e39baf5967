/**
 * The dynamic-provider contract, in one place: how Pulumi's Node.js engine integration finds and
 * calls this provider. It mirrors `@pulumi/pulumi`'s own code:
 * - `sdk/nodejs/dynamic/index.ts`: a dynamic resource's type token is
 *   `pulumi-nodejs:dynamic/<module>:<type>`, and its provider travels in the input `__provider`;
 * - `sdk/nodejs/cmd/dynamic-provider/index.ts`: the provider process evaluates `__provider` as a module
 *   and calls its `handler()`; an error with `id` (and `properties`, `reasons`) becomes
 *   `ErrorResourceInitFailed`, a partial create or update that the engine records with that ID.
 */

/** The type token: what `pulumi.dynamic.Resource` makes of module "aws-config" and type "AggregationAuthorization". */
export const TYPE = "pulumi-nodejs:dynamic/aws-config:AggregationAuthorization";

/** The package name the provider module loads: the installed package, never a serialized copy. */
export const PACKAGE = "pulumi-aws-config-aggregation";

/**
 * The provider as it is stored in every resource's state (`__provider`) and loaded by Pulumi's
 * dynamic-provider process: a module whose `handler()` returns the provider, here reached by
 * package name, so the state holds under 400 bytes and never an SDK client or credentials
 * (the engine writes state after every step). `pulumi.dynamic.Resource` would serialize a closure of the same shape, but its
 * serializer wraps each of the seven methods in ~300 bytes of scaffolding (2.5 KB measured). When
 * the package is gone (uninstalled while the stack still holds resources), it says to keep it.
 */
export const PROVIDER_MODULE = providerModule("provider", "AggregationAuthorization");

/** The type token of `SourceAccountAuthorizations`: one source account's authorizations, in many regions, for one aggregator. */
export const SOURCE_ACCOUNT_TYPE = "pulumi-nodejs:dynamic/aws-config:SourceAccountAuthorizations";

/** The provider module of `SourceAccountAuthorizations` (the export `sourceAccountProvider` of `./provider`). */
export const SOURCE_ACCOUNT_PROVIDER_MODULE = providerModule("sourceAccountProvider", "SourceAccountAuthorizations");

/** A resource type of this package, as the SDK's base class and the tests know it. */
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

/**
 * What the provider process reads from an error to report a partial create or update
 * (`ErrorResourceInitFailed`): AWS holds the resource `id`, and the state records `properties`.
 */
export interface PartialFailure {
    id: string;
    properties: object;
    reasons: string[];
}
