#!/usr/bin/env node
// The npm registry reachable from our build machines serves only the Linux builds of some native
// packages (@next/swc-*, @tailwindcss/oxide-*, @unrs/resolver-binding-*). `npm install` then writes a
// lockfile without the other platforms' optional entries, and `npm ci` refuses it as out of sync. This
// adds those entries back, each marked optional with its os/cpu, so `npm ci` skips them on Linux (as it
// would anyway) and installs them on a machine of that platform. Run it after changing dependencies:
//   npm install && node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const pkgs = lock.packages;

const PLATFORMS = [
  [/android-arm-eabi$/, ["android"], ["arm"]],
  [/android-arm64$/, ["android"], ["arm64"]],
  [/darwin-arm64$/, ["darwin"], ["arm64"]],
  [/darwin-x64$/, ["darwin"], ["x64"]],
  [/freebsd-x64$/, ["freebsd"], ["x64"]],
  [/linux-arm-(gnueabihf|musleabihf)$/, ["linux"], ["arm"]],
  [/linux-arm64-(gnu|musl)$/, ["linux"], ["arm64"]],
  [/linux-x64-(gnu|musl)$/, ["linux"], ["x64"]],
  [/linux-loong64-(gnu|musl)$/, ["linux"], ["loong64"]],
  [/linux-ppc64-gnu$/, ["linux"], ["ppc64"]],
  [/linux-riscv64-(gnu|musl)$/, ["linux"], ["riscv64"]],
  [/linux-s390x-gnu$/, ["linux"], ["s390x"]],
  [/openharmony-arm64$/, ["openharmony"], ["arm64"]],
  [/win32-arm64-msvc$/, ["win32"], ["arm64"]],
  [/win32-ia32-msvc$/, ["win32"], ["ia32"]],
  [/win32-x64-msvc$/, ["win32"], ["x64"]],
  [/wasm32-wasi$/, null, ["wasm32"]],
];

let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = key.slice(0, key.lastIndexOf("node_modules/") + "node_modules/".length);
    const nested = `${key}/node_modules/${name}`;
    if (pkgs[nested] || pkgs[`${base}${name}`] || pkgs[`node_modules/${name}`]) continue;
    const platform = PLATFORMS.find(([re]) => re.test(name));
    if (!platform) continue; // not a platform build: leave it for npm to report
    const [, os, cpu] = platform;
    pkgs[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os } : {}),
      cpu,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
console.log(`lockfile: added ${added} optional platform entries`);
