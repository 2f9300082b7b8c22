// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Self-hosting: `next build` emits .next/standalone, a server with only the files it needs.
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  // bcryptjs and Prisma's driver stay plain Node modules rather than bundled.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "pino"],
  experimental: {
    // Enables `forbidden()` so a non-admin on /admin gets a real 403 page.
    authInterrupts: true,
  },
};

export default nextConfig;
