/** The quickstart's ten-seed study (notebook 00): settings, its setup, the summary, and the registered Study. */
export { QUICKSTART_ARMS, QUICKSTART_CHOSEN, quickstartSettings, checkQuickstartSettings, type QuickstartSettings } from "./settings";
export { quickstartSetup, summarizeQuickstart, quickstartStudy } from "./study";
