import { KNOBS } from "./aws/limits";

/** The stack config keys `configure` reads: `aws:profile`, `aws:skipRegionValidation`, `aws:skipCredentialsValidation`, and this package's timeouts. */
export function stackSettings(config: { get(key: string): unknown }) {
    const own: Record<string, unknown> = {};
    for (const knob of Object.values(KNOBS)) {
        if (knob.config !== undefined && config.get(knob.config) !== undefined) own[knob.config] = config.get(knob.config);
    }
    const isTrue = (v: unknown) => v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
    return {
        profile: (config.get("aws:profile") as string | undefined) || undefined,
        skipRegionValidation: isTrue(config.get("aws:skipRegionValidation")),
        skipCredentialsValidation: isTrue(config.get("aws:skipCredentialsValidation")),
        config: own,
    };
}
