// The lab's Web Worker: starts Pyodide (served by this site, _vendor/pyodide), unpacks hpg's
// numpy-free core (_lab/hpg.zip, packed at build time) and answers each message
// {id, scenario} with {id, result (JSON text from hpg.lab.run), ms}. The page stays responsive
// while Python starts and runs.
import { loadPyodide } from "../../_vendor/pyodide/pyodide.mjs";

const root = new URL("../../", import.meta.url);

async function start() {
  const began = performance.now();
  const pyodide = await loadPyodide({ indexURL: new URL("_vendor/pyodide/", root).href });
  const response = await fetch(new URL("_lab/hpg.zip", root));
  if (!response.ok) throw new Error(`could not load the model (_lab/hpg.zip): HTTP ${response.status}`);
  pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: "/home/pyodide/lab" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/lab')");
  const lab = pyodide.pyimport("hpg.lab");
  const version = pyodide.pyimport("hpg").__version__;
  self.postMessage({ ready: true, ms: performance.now() - began, version, python: pyodide.version });
  return lab;
}

const ready = start().catch((error) => {
  self.postMessage({ ready: false, error: String(error) });
  throw error;
});

self.onmessage = async (event) => {
  const { id, scenario } = event.data;
  try {
    const lab = await ready;
    const began = performance.now();
    const result = lab.run(JSON.stringify(scenario));
    self.postMessage({ id, result, ms: performance.now() - began });
  } catch (error) {
    self.postMessage({ id, failure: String(error) });
  }
};
