/**
 * The dynamic provider of `AggregationAuthorization`, and the pieces it is made of.
 * `require("pulumi-aws-config-aggregation/provider").provider` is what the serialized provider calls.
 */
export { provider, REPLACE_KEYS } from "./provider";
export { validate, type Failure } from "./validate";
export { buildArn, parseArn, buildKey, parseKey, KEY_SEPARATOR, type ArnParts } from "./id";
export { diffTags, tagRequests, tagsEqual, toTagList, fromTagList, type TagDiff } from "./tags";
export { isAuthorizationError, ERROR_MARKER, type AuthorizationError } from "./errors";
export { UNKNOWN, isUnknown, type Inputs, type Outputs, type Tags } from "./types";
