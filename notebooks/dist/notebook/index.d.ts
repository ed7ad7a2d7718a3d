// Type-checking stand-in for the build's notebook entry (see ../index.d.ts).
export * from "../../../lib/notebook/index";
