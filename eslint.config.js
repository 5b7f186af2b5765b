// The repository's own lint rules (`npm run lint`). ESLint's and typescript-eslint's
// recommended sets, without the type-aware ones: `npm run typecheck` already runs tsc strict
// over the same files, and a type-aware lint pass would cost CI about a minute more.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/", "**/node_modules/", "fixtures/", "test/.tmp/", "templates/", "coverage/", "oclif.manifest.json"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // A `let` read by a closure before its one assignment (a timer the callbacks clear) stays a `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (a parameter a signature requires).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // The VS Code extension runs as CommonJS inside the editor.
    files: ["editors/vscode/**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
