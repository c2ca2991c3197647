/** esbuild bundles imported stylesheets into the one CSS asset (src/web/server/bundle.ts). */
declare module '*.css';
