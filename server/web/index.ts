export { createWebServer, displayUrl, type CreateWebServerOptions, type WebServer } from "@/server/web/create-web-server";
export { defaultWebConfig, webConfigFromEnv, isLoopback, ConfigError, type WebConfig, type AuthConfig } from "@/server/config/web-config";
export { StartupRefused } from "@/server/auth/secret";
