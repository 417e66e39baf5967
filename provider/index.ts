/** The dynamic providers, by the names stored state requires. Programs use the SDK's resource classes. */
export { provider } from "./authorization/provider";
export { sourceAccountProvider } from "./source-account/provider";
