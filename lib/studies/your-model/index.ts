/** Notebook 18's study (a tf.layers CNN on Fashion-MNIST, conv2's channels cut): the network, settings, setup, the Study. */
export { smallCnn, SMALL_CNN } from "./cnn";
export { yourModelSettings, checkYourModelSettings, type YourModelSettings } from "./settings";
export { yourModelSetup } from "./setup";
export { yourModelStudy, type YourModelSeed } from "./study";
