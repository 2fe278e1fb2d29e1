// Validates Kubernetes objects against the API schemas shipped in the kubernetes-models packages, offline.
//
//   node validate.mjs FILE.yaml [FILE.yaml ...]
//
// Prints one line per object ("valid Kind/name" or "invalid Kind/name: reasons") and exits with 1 if any object
// is invalid, is of a kind no package here describes, or a file does not parse.
// Limits: these schemas check types, required fields and formats, but accept unknown fields (a misspelt optional
// field passes); KubernetesManifestsTest finds those with the fabric8 models (UnknownFields).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// API groups outside the core packages, and the package that models each.
const PACKAGES = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function modelOf(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = PACKAGES[group] ?? "kubernetes-models";
  let module;
  try {
    module = await import(`${pkg}/${apiVersion}`);
  } catch (error) {
    return null;
  }
  return module[kind] ?? null;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const document of documents) {
    if (document.errors.length > 0) {
      console.log(`invalid ${file}: ${document.errors.map((e) => e.message).join("; ")}`);
      failed = true;
      continue;
    }
    const object = document.toJS();
    if (object === null) {
      continue;
    }
    const name = `${object.kind}/${object.metadata?.name}`;
    const Model = await modelOf(String(object.apiVersion), String(object.kind));
    if (Model === null) {
      console.log(`invalid ${name}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
      failed = true;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`valid ${name}`);
    } catch (error) {
      console.log(`invalid ${name}: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
