// Bundle src/ and socket.io-client into one self-contained file: dist/rengo-chat.js
// (an IIFE that sets window.RengoChat; the CSS is imported as text and injected at runtime).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkg = JSON.parse(await readFile(new URL("./package.json", import.meta.url), "utf8"));

// `import css from "./styles.css"` gives the minified stylesheet as a string.
const cssAsText = {
  name: "css-as-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async ({ path }) => {
      const { code } = await esbuild.transform(await readFile(path, "utf8"), { loader: "css", minify: true });
      return { contents: code, loader: "text" };
    });
  },
};

await esbuild.build({
  absWorkingDir: here,
  entryPoints: ["src/index.js"],
  outfile: "dist/rengo-chat.js",
  bundle: true,
  format: "iife",
  platform: "browser",
  // Browsers from 2021 on (iOS Safari 15: esbuild cannot lower destructuring for Safari 14).
  target: ["es2019", "chrome87", "edge88", "firefox78", "safari15"],
  minify: true,
  plugins: [cssAsText],
  define: { __RENGO_CHAT_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: `/*! RENGO chat widget ${pkg.version} | bundles socket.io-client (MIT) */` },
  legalComments: "eof",
  logLevel: "info",
});
