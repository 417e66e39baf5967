/**
 * Previews that show only what changed. A dynamic provider cannot return a detailed diff, and for
 * `changes: true` the CLI prints every property; left unknown, the engine diffs the inputs itself
 * (`step_generator.go` `diffResource`). That is safe only when the inputs differ, which the provider,
 * seeing only old outputs, learns from a digest of the inputs (`__inputs`) stamped on every result.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const INPUTS_KEY = "__inputs";

type Props = { [key: string]: unknown };

/** Without `__` keys, as the engine hides them. */
export function inputsDigest(inputs: object): string | undefined {
    const own = inputs as Props;
    if (own.tagsMayBeSecret === true) return undefined; // no digest of secrets in state
    const plain = Object.fromEntries(
        Object.keys(own)
            .filter((k) => !k.startsWith("__") && own[k] !== undefined)
            .sort()
            .map((k) => [k, own[k]]),
    );
    return createHash("sha256").update(canonical(plain)).digest("hex").slice(0, 32);
}

function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const o = value as Props;
        const keys = Object.keys(o)
            .filter((k) => o[k] !== undefined)
            .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

function stamped<T>(outs: T, inputs: object | undefined): T {
    if (outs === undefined || outs === null || typeof outs !== "object") return outs;
    const digest = inputs === undefined ? undefined : inputsDigest(inputs);
    const copy = { ...(outs as Props) };
    if (digest === undefined) delete copy[INPUTS_KEY];
    else copy[INPUTS_KEY] = digest;
    return copy as T;
}

/** A partial failure's `properties` become the outputs: stamp them too. */
async function stampingFailures<T>(run: Promise<T>, inputs: object): Promise<T> {
    try {
        return await run;
    } catch (err) {
        const e = err as { properties?: unknown };
        if (e && typeof e.properties === "object" && e.properties !== null) e.properties = stamped(e.properties, inputs);
        throw err;
    }
}

export function showingInputChanges<I, O>(provider: pulumi.dynamic.ResourceProvider<I, O>): pulumi.dynamic.ResourceProvider<I, O> {
    const { create, update, read, diff } = provider;
    return {
        ...provider,
        ...(create && {
            create: async (inputs: I) => {
                const r = await stampingFailures(create(inputs), inputs as object);
                return { ...r, outs: stamped(r.outs, inputs as object) };
            },
        }),
        ...(update && {
            update: async (id: string, olds: O, news: I) => {
                const r = await stampingFailures(update(id, olds, news), news as object);
                return { ...r, outs: stamped(r.outs, news as object) };
            },
        }),
        ...(read && {
            read: async (id: string, props?: O) => {
                const r = await read(id, props);
                if (r.props === undefined) return r;
                if (r.inputs === undefined) {
                    // The engine keeps the old inputs: so does the digest.
                    const kept = (props as Props | undefined)?.[INPUTS_KEY];
                    const outs = { ...(r.props as Props) };
                    if (kept === undefined) delete outs[INPUTS_KEY];
                    else outs[INPUTS_KEY] = kept;
                    return { ...r, props: outs as O };
                }
                const inputs = { ...(r.inputs as Props) };
                delete inputs[INPUTS_KEY];
                return { ...r, props: stamped(r.props, inputs), inputs: inputs as unknown as O };
            },
        }),
        ...(diff && {
            diff: async (id: string, olds: O, news: I) => {
                const d = await diff(id, olds, news);
                const recorded = (olds as Props)[INPUTS_KEY];
                const inPlace = d.changes === true && (d.replaces ?? []).length === 0;
                const digest = inputsDigest(news as object);
                if (!inPlace || typeof recorded !== "string" || digest === undefined || digest === recorded) return d;
                return { ...d, changes: undefined };
            },
        }),
    };
}
