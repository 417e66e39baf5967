// One linter for the repo: typescript-eslint's recommended rules on the TypeScript sources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Selectors of module-level mutable state under `top`: `let`/`var`, empty collections, closures run once. */
function moduleState(top) {
    const decl = `${top} > VariableDeclaration`;
    const message = "no module-level state in provider/: keep it in the run (provider/core/run.ts), passed to each operation";
    return [
        { selector: `${top} > VariableDeclaration[kind!='const']`, message },
        {
            selector: `${decl} > VariableDeclarator > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet)$/][arguments.length=0]`,
            message,
        },
        { selector: `${decl} > VariableDeclarator > CallExpression[callee.type=/FunctionExpression$/]`, message },
    ];
}

export default tseslint.config(
    {
        ignores: [
            "dist/**",
            "node_modules/**",
            ".pulumi-test*/**",
            ".pulumi-manual/**",
            "examples/*/node_modules/**",
            "scripts/toolchain/**",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // The serialized provider module and the engine-test program load packages by name at run time.
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // The layers: the program side reaches the provider through provider/shared.ts only, and the
        // provider never imports the program side.
        files: ["sdk/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                { patterns: [{ regex: "^(\\.\\./)+provider/(?!shared$)", message: "import from provider/shared instead" }] },
            ],
        },
    },
    {
        files: ["provider/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                { patterns: [{ regex: "^(\\.\\./)+sdk(/|$)", message: "the provider never imports the program side" }] },
            ],
            // The run is a value made by configure and passed down (core/run.ts): no module-level state.
            "no-restricted-syntax": ["error", ...moduleState(":matches(Program, Program > ExportNamedDeclaration)")],
        },
    },
    {
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                exports: "writable",
                process: "readonly",
                console: "readonly",
                __dirname: "readonly",
            },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
