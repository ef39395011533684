// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      ".venv-python/**",
      ".venv-azure-cli/**",
      "test/java/target/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Read time from the sandbox clock, not Date.now().",
        },
      ],
    },
  },
  {
    // The inspector page's script runs in the browser: no Node modules, the DOM's globals only.
    files: ["harness/operator/inspector/browser/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["node:*"], message: "Browser code: the page has no Node modules." }] },
      ],
    },
  },
  {
    // The clock itself, the CLI, benchmarks and tests may read wall time.
    files: ["core/clock.ts", "harness/**", "bench/**", "test/**", "scripts/**"],
    rules: { "no-restricted-syntax": "off" },
  },
);
