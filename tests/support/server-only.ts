// Stands in for `server-only` (vitest.config.ts), which throws outside React's server build.
export {};
