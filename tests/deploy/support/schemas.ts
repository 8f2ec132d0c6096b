import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import ts from 'typescript';
import { parse } from 'yaml';
import { ROOT, type K8sObject } from './manifests';

/**
 * Schema validation of rendered objects, offline.
 *
 * Core kinds: the `kubernetes-models` class of the kind (`new Kind(obj).validate()`: types,
 * required fields, enums). Its generated validators do not reject unknown fields (no
 * `additionalProperties: false` in the Kubernetes OpenAPI), and the API server would silently drop
 * them, so a typo such as `readOnlyRootFileSystem` would pass. `unknownFields()` closes that gap: it
 * walks the object along the TypeScript interfaces that ship with the same package (the same
 * OpenAPI source) and reports every key the interface does not declare.
 *
 * Strimzi kinds: the CRD's openAPIV3Schema, read at test time from ../shared/crds/strimzi, made
 * strict the same way (every object schema that lists properties and does not preserve unknown
 * fields gets `additionalProperties: false`), compiled with ajv.
 */

export const CRD_DIR = process.env['STRIMZI_CRD_DIR'] ?? join(ROOT, '..', 'shared', 'crds', 'strimzi');

// ---------------------------------------------------------------------------------------------
// Core kinds

type ModelClass = new (data: unknown) => { validate(): void };

export function coreModel(apiVersion: string, kind: string): ModelClass | undefined {
  let mod: Record<string, unknown>;
  try {
    mod = require(`kubernetes-models/${apiVersion}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const cls = mod[kind];
  return typeof cls === 'function' ? (cls as ModelClass) : undefined;
}

/**
 * kustomize wraps long base64 Secret data over several lines. The API server decodes it with Go's
 * base64 decoder, which skips line breaks; the `byte` format of kubernetes-models does not.
 */
function unwrapSecretData(obj: K8sObject): K8sObject {
  if (obj.kind !== 'Secret' || !obj['data']) return obj;
  const data = Object.fromEntries(Object.entries(obj['data'] as Record<string, string>).map(([k, v]) => [k, v.replace(/[\r\n]/g, '')]));
  return { ...obj, data };
}

/** kubernetes-models' own validation; returns the error message or null. */
export function validateCore(obj: K8sObject): string | null {
  const Model = coreModel(obj.apiVersion, obj.kind);
  if (!Model) return `no kubernetes-models class for ${obj.apiVersion} ${obj.kind}`;
  try {
    new Model(unwrapSecretData(obj)).validate();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

interface TypeIndex {
  checker: ts.TypeChecker;
  types: Map<string, ts.Type>;
}

let typeIndex: TypeIndex | null = null;
const indexed = new Set<string>();

/** Type-check a tiny virtual module that imports the interfaces of the kinds we need. */
function typesFor(kinds: ReadonlyArray<{ apiVersion: string; kind: string }>): TypeIndex {
  const key = (k: { apiVersion: string; kind: string }) => `${k.apiVersion}/${k.kind}`;
  const wanted = [...new Map(kinds.map((k) => [key(k), k])).values()];
  if (typeIndex && wanted.every((k) => indexed.has(key(k)))) return typeIndex;
  for (const k of wanted) indexed.add(key(k));
  const all = [...indexed].map((id) => {
    const cut = id.lastIndexOf('/');
    return { apiVersion: id.slice(0, cut), kind: id.slice(cut + 1) };
  });
  const file = join(__dirname, '__kubernetes_model_types__.ts');
  const source =
    all.map((k, i) => `import type { I${k.kind} as T${i} } from 'kubernetes-models/${k.apiVersion}/${k.kind}';`).join('\n') +
    `\nexport type Kinds = { ${all.map((k, i) => `'${key(k)}': T${i}`).join('; ')} };\n`;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    lib: ['lib.es2022.d.ts'],
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file)!;
  const alias = sf.statements.find(ts.isTypeAliasDeclaration)!;
  const kindsType = checker.getTypeAtLocation(alias.name);
  const types = new Map<string, ts.Type>();
  for (const k of all) {
    const prop = kindsType.getProperty(key(k));
    if (!prop) throw new Error(`no type for ${key(k)}`);
    const t = checker.getTypeOfSymbol(prop);
    if (t.flags & ts.TypeFlags.Any) throw new Error(`kubernetes-models/${k.apiVersion}/${k.kind}: type did not resolve`);
    types.set(key(k), t);
  }
  typeIndex = { checker, types };
  return typeIndex;
}

/** Fields of `obj` that its kind's interface (recursively) does not declare. */
export function unknownFields(obj: K8sObject): string[] {
  const { checker, types } = typesFor([obj]);
  const type = types.get(`${obj.apiVersion}/${obj.kind}`)!;
  const errors: string[] = [];
  walk(checker, obj, type, '', errors);
  return errors;
}

/** Check many objects with one type-checker program. */
export function preloadTypes(objects: ReadonlyArray<{ apiVersion: string; kind: string }>): void {
  typesFor(objects);
}

function isObjectLike(t: ts.Type): boolean {
  return (t.flags & ts.TypeFlags.Object) !== 0 || (t.flags & ts.TypeFlags.Intersection) !== 0;
}

function walk(checker: ts.TypeChecker, value: unknown, type: ts.Type, path: string, errors: string[]): void {
  if (value === null || value === undefined) return;
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    if (typeof value !== 'object') return; // primitives: kubernetes-models checks their types
    const candidates = members.filter(isObjectLike);
    if (candidates.length === 0) return;
    if (candidates.length === 1) return walk(checker, value, candidates[0]!, path, errors);
    // Several object shapes: accept the first that fits without unknown fields.
    let best: string[] | null = null;
    for (const c of candidates) {
      const e: string[] = [];
      walk(checker, value, c, path, e);
      if (e.length === 0) return;
      if (!best || e.length < best.length) best = e;
    }
    errors.push(...best!);
    return;
  }
  if (typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const element = checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
    if (!element) return;
    value.forEach((v, i) => walk(checker, v, element, `${path}[${i}]`, errors));
    return;
  }
  if (!isObjectLike(type)) return;
  const stringIndex = checker.getIndexTypeOfType(type, ts.IndexKind.String);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const prop = type.getProperty(key);
    const where = path ? `${path}.${key}` : key;
    if (prop) walk(checker, v, checker.getTypeOfSymbol(prop), where, errors);
    else if (stringIndex) walk(checker, v, stringIndex, where, errors);
    else errors.push(`${where}: unknown field`);
  }
}

// ---------------------------------------------------------------------------------------------
// Strimzi kinds

interface CrdDoc {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
  };
}

type Schema = Record<string, unknown>;

/** Make a structural schema strict: objects with declared properties accept nothing else. */
export function strictSchema(schema: Schema): Schema {
  const copy: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') {
      copy[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([name, s]) => [name, strictSchema(s)]));
    } else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && v && typeof v === 'object' && !Array.isArray(v)) {
      copy[k] = strictSchema(v as Schema);
    } else if ((k === 'oneOf' || k === 'anyOf' || k === 'allOf') && Array.isArray(v)) {
      copy[k] = (v as Schema[]).map(strictSchema);
    } else {
      copy[k] = v;
    }
  }
  if (copy['properties'] && copy['additionalProperties'] === undefined && copy['x-kubernetes-preserve-unknown-fields'] !== true) {
    copy['additionalProperties'] = false;
  }
  return copy;
}

export interface CrdValidators {
  /** group/version/kind → validator */
  validators: Map<string, ValidateFunction>;
  files: string[];
}

let crdValidators: CrdValidators | null = null;

export function loadCrds(): CrdValidators {
  if (crdValidators) return crdValidators;
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const keyword of [
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-validations',
  ]) {
    ajv.addKeyword({ keyword, schemaType: ['boolean', 'string', 'array', 'object'] });
  }
  const validators = new Map<string, ValidateFunction>();
  const files = readdirSync(CRD_DIR).filter((f) => /\.ya?ml$/.test(f));
  for (const f of files) {
    const crd = parse(readFileSync(join(CRD_DIR, f), 'utf8')) as CrdDoc;
    if (crd.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(strictSchema(v.schema.openAPIV3Schema)));
    }
  }
  crdValidators = { validators, files };
  return crdValidators;
}

/** Validate a custom resource against its CRD; null when valid. */
export function validateCustom(obj: K8sObject): string | null {
  const { validators } = loadCrds();
  const validate = validators.get(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) return `no CRD schema for ${obj.apiVersion} ${obj.kind} in ${CRD_DIR}`;
  if (validate(obj)) return null;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');
}

export function isStrimzi(obj: { apiVersion: string }): boolean {
  return obj.apiVersion.startsWith('kafka.strimzi.io/');
}

/** Every problem of one rendered object (empty when it is valid and has no unknown fields). */
export function schemaProblems(obj: K8sObject): string[] {
  if (isStrimzi(obj)) {
    const e = validateCustom(obj);
    return e ? [e] : [];
  }
  const problems: string[] = [];
  const e = validateCore(obj);
  if (e) problems.push(e);
  else problems.push(...unknownFields(obj));
  return problems;
}
