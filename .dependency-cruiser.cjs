// The import graph `npm run lint` enforces (dependency-cruiser): no cycles, type-only imports
// included (a type cycle is still two modules that cannot be understood apart), and the layers
// docs/architecture.md describes — the pure model below the rules, the ledger and the messages,
// those below the activities and workflows, and those below the clients, the API and the CLI.
/** @type {import('dependency-cruiser').IConfiguration} */
const LOW = '^src/(calendar|rules|model|policy|roster|ledger|messages|customers)/';
const HIGH =
  '^src/(activities|workflows|api|cli|audit|report|clients|codec)/|^src/(client|worker|up|supervise|config|connection)\\.ts$';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle means two modules cannot be read, tested or moved apart: give the shared part a home lower down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'low-layers-stay-low',
      severity: 'error',
      comment:
        'The model, rules, policy, roster, ledger and messages never reach up into activities, workflows, clients, the API or the CLI.',
      from: { path: LOW },
      to: { path: HIGH },
    },
    {
      name: 'workflows-below-entries',
      severity: 'error',
      comment: 'Workflow code is bundled into the sandbox: it never imports the API, CLI, clients or audit.',
      from: { path: '^src/workflows/' },
      to: { path: '^src/(api|cli|clients|audit)/|^src/client\\.ts$' },
    },
    {
      name: 'src-not-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
