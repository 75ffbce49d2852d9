/**
 * What the workflow code asks history to hold, read from its source with the TypeScript parser
 * (no workflow runs): each `patched('…')` and each update and signal a workflow handles, with the
 * workflows they belong to. test/unit/history-coverage.test.ts checks the golden histories
 * against it. Messages are defined in src/workflows/ or src/messages/ (defineUpdate/defineSignal/
 * defineQuery); a workflow handles one with setHandler in its own function or a function of its
 * file that it calls. Code that no workflow function calls (the interceptors) runs in every workflow.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '..', '..', 'src');
export const WORKFLOWS_DIR = join(SRC, 'workflows');
export const MESSAGES_DIR = join(SRC, 'messages');

export interface MessageDef {
  kind: 'update' | 'signal' | 'query';
  /** The name on the wire (and in history). */
  name: string;
  /** The exported constant and where it is defined. */
  constant: string;
  file: string;
}

export interface Use {
  /** The workflow types (function names) this code runs in. */
  workflows: string[];
  /** Where, for failure messages: file:line. */
  at: string;
}

export interface WorkflowSources {
  workflows: string[];
  messages: MessageDef[];
  /** Patch id → where it is asked. */
  patches: Map<string, Use[]>;
  /** A handled message and where its handler is set. */
  handlers: { message: MessageDef; use: Use }[];
  /** Calls the reader could not resolve to a literal or a definition: the checks would miss them. */
  unresolved: string[];
}

const DEFINE: Record<string, MessageDef['kind']> = {
  defineUpdate: 'update',
  defineSignal: 'signal',
  defineQuery: 'query',
};

const tsFiles = (dir: string): string[] =>
  existsSync(dir)
    ? (readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f))
        .sort()
    : [];

const parsed = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    parsed.set(file, sf);
  }
  return sf;
}

const calledName = (call: ts.CallExpression) =>
  ts.isIdentifier(call.expression) ? call.expression.text : undefined;

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

const where = (sf: ts.SourceFile, node: ts.Node) =>
  `${sf.fileName.slice(SRC.length - 3)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

/** `const X = 'literal'` and `const X = defineY<…>('name')` at a file's top level. */
function topLevelConsts(sf: ts.SourceFile) {
  const strings = new Map<string, string>();
  const messages = new Map<string, MessageDef>();
  for (const stmt of sf.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const d of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const init = d.initializer;
      if (ts.isStringLiteralLike(init)) strings.set(d.name.text, init.text);
      const kind = ts.isCallExpression(init) ? DEFINE[calledName(init) ?? ''] : undefined;
      const arg = kind && (init as ts.CallExpression).arguments[0];
      if (kind && arg && ts.isStringLiteralLike(arg)) {
        messages.set(d.name.text, { kind, name: arg.text, constant: d.name.text, file: sf.fileName });
      }
    }
  }
  return { strings, messages };
}

function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
}

/**
 * The message a name stands for in a file: defined there, imported, or re-exported, followed
 * to its definition.
 */
function messageOf(file: string, name: string, seen = new Set<string>()): MessageDef | undefined {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  const sf = parse(file);
  const local = topLevelConsts(sf).messages.get(name);
  if (local) return local;
  for (const stmt of sf.statements) {
    const imported = ts.isImportDeclaration(stmt) && stmt.importClause?.namedBindings;
    const exported = ts.isExportDeclaration(stmt) && stmt.exportClause;
    const specifiers =
      imported && ts.isNamedImports(imported)
        ? imported.elements
        : exported && ts.isNamedExports(exported)
          ? exported.elements
          : [];
    const spec = (stmt as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier;
    for (const el of specifiers) {
      if (el.name.text !== name || !spec || !ts.isStringLiteral(spec)) continue;
      const target = resolveModule(file, spec.text);
      const def = target && messageOf(target, (el.propertyName ?? el.name).text, seen);
      if (def) return def;
    }
    // `export * from './x'`
    if (ts.isExportDeclaration(stmt) && !stmt.exportClause && spec && ts.isStringLiteral(spec)) {
      const target = resolveModule(file, spec.text);
      const def = target && messageOf(target, name, seen);
      if (def) return def;
    }
  }
  return undefined;
}

/** Top-level functions of a file (declarations and `const f = () => …`), by name. */
function topLevelFunctions(sf: ts.SourceFile): Map<string, ts.Node> {
  const fns = new Map<string, ts.Node>();
  for (const stmt of sf.statements) {
    if (ts.isFunctionDeclaration(stmt) && stmt.name) fns.set(stmt.name.text, stmt);
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          fns.set(d.name.text, d);
        }
      }
    }
  }
  return fns;
}

/** The workflow functions exported by src/workflows/index.ts (what the worker registers). */
function workflowNames(): string[] {
  const names: string[] = [];
  for (const stmt of parse(join(WORKFLOWS_DIR, 'index.ts')).statements) {
    if (ts.isExportDeclaration(stmt) && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
      names.push(...stmt.exportClause.elements.map((e) => e.name.text));
    }
    if (ts.isFunctionDeclaration(stmt) && stmt.name) names.push(stmt.name.text);
  }
  return names.sort();
}

/** For each top-level function of a file, the workflows of the file that reach it by calls. */
function reachingWorkflows(sf: ts.SourceFile, workflows: string[]): Map<string, string[]> {
  const fns = topLevelFunctions(sf);
  const calls = new Map<string, Set<string>>();
  for (const [name, node] of fns) {
    const used = new Set<string>();
    walk(node, (n) => {
      if (ts.isIdentifier(n) && n.text !== name && fns.has(n.text)) used.add(n.text);
    });
    calls.set(name, used);
  }
  const reached = new Map<string, string[]>();
  for (const wf of workflows.filter((w) => fns.has(w))) {
    const stack = [wf];
    const seen = new Set<string>();
    while (stack.length) {
      const fn = stack.pop()!;
      if (seen.has(fn)) continue;
      seen.add(fn);
      reached.set(fn, [...(reached.get(fn) ?? []), wf]);
      // Another workflow named here is started as a child: its code runs in its own history.
      stack.push(...[...(calls.get(fn) ?? [])].filter((f) => !workflows.includes(f)));
    }
  }
  return reached;
}

export function readWorkflowSources(): WorkflowSources {
  const workflows = workflowNames();
  const files = [...tsFiles(WORKFLOWS_DIR), ...tsFiles(MESSAGES_DIR)];
  const messages = files.flatMap((f) => [...topLevelConsts(parse(f)).messages.values()]);
  const patches = new Map<string, Use[]>();
  const handlers: WorkflowSources['handlers'] = [];
  const unresolved: string[] = [];

  for (const file of tsFiles(WORKFLOWS_DIR)) {
    const sf = parse(file);
    const { strings } = topLevelConsts(sf);
    const fns = topLevelFunctions(sf);
    const reached = reachingWorkflows(sf, workflows);
    const ownerOf = (node: ts.Node): string[] => {
      let top: ts.Node = node;
      while (top.parent && top.parent !== sf) top = top.parent;
      const fn = [...fns].find(([, decl]) => decl === top || decl.parent?.parent === top)?.[0];
      return (fn === undefined ? undefined : reached.get(fn)) ?? workflows;
    };
    walk(sf, (n) => {
      if (!ts.isCallExpression(n)) return;
      const callee = calledName(n);
      const arg = n.arguments[0];
      if (callee === 'patched' || callee === 'deprecatePatch') {
        const id =
          arg && ts.isStringLiteralLike(arg)
            ? arg.text
            : arg && ts.isIdentifier(arg)
              ? strings.get(arg.text)
              : undefined;
        if (id === undefined) unresolved.push(`${callee}(…) at ${where(sf, n)}`);
        else patches.set(id, [...(patches.get(id) ?? []), { workflows: ownerOf(n), at: where(sf, n) }]);
      }
      if (callee === 'setHandler') {
        const message = arg && ts.isIdentifier(arg) ? messageOf(file, arg.text) : undefined;
        if (!message) unresolved.push(`setHandler(…) at ${where(sf, n)}`);
        else handlers.push({ message, use: { workflows: ownerOf(n), at: where(sf, n) } });
      }
    });
  }
  return { workflows, messages, patches, handlers, unresolved };
}
