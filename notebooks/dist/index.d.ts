// Type-checking only (tsconfig.notebooks.json): the notebooks import the built library as "../dist/index" from
// notebooks/, but their sources sit one folder deeper, in notebooks/src/, where that import lands here. This file
// stands in for the build so the sources are checked against lib/ itself, without `npm run build`. tslab never
// reads it: the .ipynb files in notebooks/ resolve "../dist/index" to the real build.
export * from "../../lib/index";
