import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Imports flow app/components → server → lib, and inside server from higher layers to lower ones only.
// Each package lists what it may NOT import; a cycle between two packages is then impossible.
const serverPackages = ["config", "venue", "db", "store", "runner", "desk", "host", "auth", "realtime", "notify", "web", "cli", "lab", "cluster"];
const mayImport = {
  config: [],
  venue: ["config"],
  db: ["config"],
  store: ["config", "db"],
  runner: ["config", "venue", "db", "store"],
  desk: ["config", "venue", "db", "store", "runner"],
  host: ["config", "venue", "db", "store", "runner", "desk"],
  auth: ["config", "db", "store"],
  realtime: ["config", "auth", "host", "runner", "desk"],
  notify: ["config"],
  web: ["config", "auth", "host", "realtime", "notify", "runner", "desk", "store", "db", "lab"],
  cli: ["config", "venue", "db", "store", "runner", "lab"],
  lab: ["config", "venue", "db", "store", "runner"],
  cluster: ["config", "venue", "db", "store", "runner", "desk", "host", "auth", "realtime", "notify", "web"],
};
const forbid = (names, why) => ({
  "no-restricted-imports": [
    "error",
    { patterns: names.map((n) => ({ group: [`@/server/${n}`, `@/server/${n}/**`], message: why })) },
  ],
});
const layering = [
  {
    files: ["lib/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/server", "@/server/**", "@/app/**", "@/components/**"], message: "lib/ is the bottom layer: it imports nothing of the app or the server." }] },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: forbid([...serverPackages, "main"], "The browser imports lib/ only (the wire contract: lib/events.ts for the socket and the DTOs, lib/api-requests.ts for the HTTP requests)."),
  },
  ...Object.entries(mayImport).map(([pkg, allowed]) => ({
    files: [`server/${pkg}/**/*.{ts,tsx,mts}`],
    ignores: ["server/db/generated/**"],
    rules: forbid(
      serverPackages.filter((p) => p !== pkg && !allowed.includes(p)).concat("main"),
      `server/${pkg} may import only lib/ and server/{${allowed.join(",")}}: the layering keeps server/ free of package cycles.`,
    ),
  })),
];

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "server/db/generated/**", "data/**", "test-artifacts/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...layering,
];

export default config;
