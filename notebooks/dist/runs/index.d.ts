// Type-checking stand-in for the build's runs entry (see ../index.d.ts).
export * from "../../../lib/runs/index";
