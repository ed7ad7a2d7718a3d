// Type-checking stand-in for the build's studies entry (see ../index.d.ts).
export * from "../../../lib/studies/index";
