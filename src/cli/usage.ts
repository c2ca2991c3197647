export const USAGE = `Usage: tenantscope <command> [options]

Commands:
  demo                 run the product on its embedded defaults with a demo workspace (npm start)
  serve                run the HTTP server (uses DATABASE_URL, or the embedded database)
  migrate              apply database migrations and exit
  worker               run tenant syncs from the queue (PostgreSQL; serve/demo run one inline)
  tenant add|list      connect a tenant (its app registration) / list the workspace's tenants
  sync --tenant T      read one tenant now, with progress
  person export|erase  one user of a tenant: export all held about them (JSON) / erase them
  keys rotate          re-wrap tenant data keys under a new key-encryption key
  config check         print every setting, where it comes from, secrets masked
  snapshot --out FILE  read a tenant (live or emulated) into a snapshot file; no database needed
                       (--previous FILE reads only what changed in users and groups)
  scan                 evaluate the security posture ruleset on a snapshot file or a live tenant
  checks list          print the posture check catalogue
  drift                configuration drift between two snapshot files, with who changed it
                       (drift timeline --tenant T --kind K --object ID: one object's stored history)
  baseline set|show    pin a tenant's baseline snapshot / show it and the comparison with it
  licences             licence inventory, idle accounts and waste in money from snapshot files
  emulator             run the Microsoft emulator (identity, Graph, ARM) with a generated tenant
  version              print the version

Options:
  -h, --help           show this help
  --host <address>     (serve, demo) address to listen on; default HOST or 127.0.0.1
  --port <number>      (serve, demo) port to listen on; default PORT or 3000

Settings come from environment variables; see README.md or \`tenantscope config check\`.`;
