/**
 * The server's module boundaries, checked by `npm run check` (`npm run boundaries`).
 * - A module (server/src/modules/<name>/) is used by others through its public face, its index.ts (and, for a
 *   module whose record predicates lower modules need, a scope.ts re-exporting only those); no module reaches
 *   into another's files, and so never into another's repository.
 * - The core (db, http, jobs, lib, access) does not depend on modules: the composition root (app.ts, main.ts,
 *   composition/) wires them together.
 * - No import cycle among the files that load together (type-only imports are erased at run time, and a job's
 *   handler loaded with import() when it first runs is not loaded with its module).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-public-face',
      severity: 'error',
      comment: 'Use another module through its index.ts, never its files (its repository least of all).',
      from: { path: '^server/src/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^server/src/modules/',
        pathNot: ['^server/src/modules/$1/', '^server/src/modules/[^/]+/(index|scope|commands)\\.ts$'],
      },
    },
    {
      name: 'core-not-to-modules',
      severity: 'error',
      comment: 'db, http, jobs and lib are below the modules; the composition root wires modules in.',
      from: { path: '^server/src/(db|http|jobs|lib)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^server/src/modules/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment:
        'An import cycle among the files that load together (type-only imports are erased; an import() runs later).',
      from: { path: '^server/src/', pathNot: '\\.test\\.ts$' },
      to: {
        circular: true,
        dependencyTypesNot: ['type-only', 'dynamic-import'],
        viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] },
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.test\\.ts$|^server/test/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
