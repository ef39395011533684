// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".venv-python/**", "test/java/target/**"] },
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
    // The clock itself, the CLI, benchmarks and tests may read wall time.
    files: ["core/clock.ts", "harness/**", "bench/**", "test/**", "scripts/**"],
    rules: { "no-restricted-syntax": "off" },
  },
);
